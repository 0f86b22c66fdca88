import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provenance, ResultRecord, RunRecord } from '../../src/core/run.js';
import type { Store } from '../../src/core/store.js';
import type { RunSummary } from '../../src/core/summary.js';
import { kyselyReviewStore } from '../../src/store/review-store.js';
import type { Database } from '../../src/store/schema.js';
import { kyselySessionStore } from '../../src/store/session-store.js';

/**
 * A store under test: `open()` opens the same database every time it is called (so durability can
 * be checked by closing and opening again); `cleanup()` removes it.
 */
export interface StoreFixture {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

const provenance = (configHash: string): Provenance => ({
  assayVersion: '0.0.0-test',
  nodeVersion: 'v20',
  dataset: { name: 'golden', version: 'abc123', cases: 3 },
  targets: [{ id: 't', provider: 'openai:m' }],
  evaluators: [{ type: 'contains', value: 'x' }],
  configHash,
});

export function run(id: string, configHash = 'cfg', createdAt = new Date().toISOString()): RunRecord {
  return {
    id,
    createdAt,
    status: 'running',
    configHash,
    provenance: provenance(configHash),
    description: `run ${id}`,
  };
}

export function result(runId: string, caseId: string, extra: Partial<ResultRecord> = {}): ResultRecord {
  return {
    runId,
    caseId,
    target: 't',
    repeat: 0,
    tags: { difficulty: 'easy' },
    output: { text: `answer ${caseId}`, latencyMs: 12.5, usage: { inputTokens: 3, outputTokens: 4 } },
    pass: true,
    scores: [
      { evaluator: 'contains', value: 1, pass: true, reason: 'contains "x"' },
      { evaluator: 'judge', value: 0.75, pass: true, details: { reasoning: 'fine' } },
      { evaluator: 'cost', value: null, pass: null },
    ],
    latencyMs: 12.5,
    costUsd: 0.0001,
    tokens: { input: 3, output: 4 },
    ...extra,
  };
}

async function collect(store: Store, runId: string): Promise<ResultRecord[]> {
  const out: ResultRecord[] = [];
  for await (const r of store.results(runId)) out.push(r);
  return out;
}

const summary = { total: 3, passed: 2, failed: 1, errors: 0, passRate: 2 / 3 } as RunSummary;

/** The contract every store adapter passes: SQLite, PostgreSQL, and any other. */
export function storeContract(name: string, makeFixture: () => Promise<StoreFixture>): void {
  describe(`store contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: Store;
    beforeAll(async () => {
      fixture = await makeFixture();
      store = await fixture.open();
    });
    afterAll(async () => {
      await store?.close();
      await fixture?.cleanup();
    });

    it('createRun / getRun round-trip, and a unique id prefix finds the run', async () => {
      const r = run('20260101-000000-aaaa');
      await store.createRun(r);
      // A run recorded without a project belongs to `default`.
      expect(await store.getRun(r.id)).toEqual({ ...r, project: 'default' });
      expect(await store.getRun('20260101-000000-a')).toEqual({ ...r, project: 'default' });
      await store.createRun(run('20260101-000000-aaab'));
      // Ambiguous: an error that lists the candidates (issue 10, item 10); unknown: nothing.
      await expect(store.getRun('20260101-000000-aa')).rejects.toThrow(
        'run id "20260101-000000-aa" is ambiguous: it starts 20260101-000000-aaab, 20260101-000000-aaaa; give more characters',
      );
      expect(await store.getRun('nope')).toBeUndefined();
      expect(await store.getRun('%')).toBeUndefined();
    });

    it('updateRun patches status, summary, finish time and error', async () => {
      await store.createRun(run('upd-1'));
      await store.updateRun('upd-1', {
        status: 'completed',
        summary,
        finishedAt: '2026-01-01T00:00:01.000Z',
      });
      expect(await store.getRun('upd-1')).toMatchObject({
        status: 'completed',
        summary,
        finishedAt: '2026-01-01T00:00:01.000Z',
      });
      await store.updateRun('upd-1', { status: 'aborted', error: 'target unreachable' });
      expect(await store.getRun('upd-1')).toMatchObject({
        status: 'aborted',
        error: 'target unreachable',
        summary,
      });
    });

    it('listRuns: newest first, limited, filtered by config', async () => {
      await store.createRun(run('list-a', 'cfg-list', '2030-01-01T00:00:00.000Z'));
      await store.createRun(run('list-b', 'cfg-list', '2030-01-02T00:00:00.000Z'));
      await store.createRun(run('list-c', 'cfg-other', '2030-01-03T00:00:00.000Z'));
      expect((await store.listRuns({ limit: 3 })).map((r) => r.id)).toEqual(['list-c', 'list-b', 'list-a']);
      expect((await store.listRuns({ configHash: 'cfg-list' })).map((r) => r.id)).toEqual([
        'list-b',
        'list-a',
      ]);
      expect(await store.listRuns({ limit: 1 })).toHaveLength(1);
    });

    it('runs belong to a project: getRun and listRuns with a project see only its runs', async () => {
      await store.createRun({ ...run('prj-a1', 'cfg-prj', '2032-01-01T00:00:00.000Z'), project: 'alpha' });
      await store.createRun({ ...run('prj-a2', 'cfg-prj', '2032-01-02T00:00:00.000Z'), project: 'alpha' });
      await store.createRun({ ...run('prj-b1', 'cfg-prj', '2032-01-03T00:00:00.000Z'), project: 'beta' });
      expect((await store.getRun('prj-a1', { project: 'alpha' }))?.project).toBe('alpha');
      expect(await store.getRun('prj-a1', { project: 'beta' })).toBeUndefined();
      // A prefix is resolved inside the project: 'prj-' is unique in beta, and names no alpha run there.
      expect((await store.getRun('prj-', { project: 'beta' }))?.id).toBe('prj-b1');
      expect(await store.getRun('prj-a', { project: 'beta' })).toBeUndefined();
      expect((await store.listRuns({ configHash: 'cfg-prj', project: 'alpha' })).map((r) => r.id)).toEqual([
        'prj-a2',
        'prj-a1',
      ]);
      expect((await store.listRuns({ configHash: 'cfg-prj', project: 'beta' })).map((r) => r.id)).toEqual([
        'prj-b1',
      ]);
      expect(await store.listRuns({ configHash: 'cfg-prj' })).toHaveLength(3);
    });

    it('runs stored before runs had projects belong to `default` after the migration', async () => {
      const db = (store as unknown as { db: Kysely<Database> }).db;
      // The database as it was before 009_run_projects, with one run in it.
      await db.schema.dropIndex('runs_project_idx').execute();
      await db.schema.alterTable('runs').dropColumn('project').execute();
      await db.deleteFrom('assay_migrations').where('name', '=', '009_run_projects').execute();
      await sql`insert into runs (id, created_at, status, config_hash, provenance)
        values ('old-run', '2020-01-01T00:00:00.000Z', 'completed', 'cfg-old', ${JSON.stringify(provenance('cfg-old'))})`.execute(
        db,
      );
      await store.close();
      store = await fixture.open();
      expect((await store.getRun('old-run'))?.project).toBe('default');
      expect((await store.listRuns({ configHash: 'cfg-old', project: 'default' })).map((r) => r.id)).toEqual([
        'old-run',
      ]);
    });

    it('latestUnfinished: the newest run of the config that did not complete', async () => {
      await store.createRun(run('un-1', 'cfg-un', '2031-01-01T00:00:00.000Z'));
      await store.createRun(run('un-2', 'cfg-un', '2031-01-02T00:00:00.000Z'));
      await store.createRun(run('un-3', 'cfg-un', '2031-01-03T00:00:00.000Z'));
      await store.updateRun('un-3', { status: 'completed' });
      await store.updateRun('un-2', { status: 'interrupted' });
      expect((await store.latestUnfinished('cfg-un'))?.id).toBe('un-2');
      expect(await store.latestUnfinished('cfg-none')).toBeUndefined();
    });

    it('saveResults keeps scores (null values, details) and results() gives them back', async () => {
      await store.createRun(run('res-1'));
      const rs = [
        result('res-1', 'a'),
        result('res-1', 'b', {
          pass: false,
          scores: [{ evaluator: 'contains', value: 0, pass: false, reason: 'missing' }],
        }),
        result('res-1', 'c', { output: null, pass: false, error: 'HTTP 500', scores: [], latencyMs: 0 }),
      ];
      delete rs[2]!.costUsd;
      delete rs[2]!.tokens;
      await store.saveResults(rs);
      expect(await collect(store, 'res-1')).toEqual(rs);
    });

    it('saveResults keeps any text as it was written: quotes, backslashes, braces, commas, NULL, new lines, unicode', async () => {
      await store.createRun(run('txt-1'));
      const awkward = ['say "hi", {a,b}', 'back\\slash \\" \\\\', 'NULL', '', 'line\nbreak\ttab', 'é ✓ 😀 ∅'];
      const rs = awkward.map((text, i) =>
        result('txt-1', `${text}#${i}`, {
          target: `t ${text}`,
          tags: { note: text },
          output: { text, latencyMs: i },
          pass: i % 2 === 0,
          error: i % 2 === 0 ? undefined : `failed: ${text}`,
          scores: [
            { evaluator: text || 'empty', value: i / 3, pass: null, reason: text, details: { text, n: [i] } },
            { evaluator: 'second', value: null, pass: false, error: text },
          ],
        }),
      );
      for (const r of rs) if (r.error === undefined) delete r.error;
      await store.saveResults(rs);
      expect(await collect(store, 'txt-1')).toEqual(rs);
    });

    it('saving the same (run, target, case, repeat) again replaces the result and its scores', async () => {
      await store.createRun(run('ups-1'));
      await store.saveResults([result('ups-1', 'a'), result('ups-1', 'b')]);
      const redo = result('ups-1', 'a', {
        pass: false,
        scores: [{ evaluator: 'contains', value: 0, pass: false, reason: 'changed' }],
        latencyMs: 99,
      });
      await store.saveResults([
        redo,
        result('ups-1', 'a', { repeat: 1 }),
        result('ups-1', 'a', { target: 'u' }),
      ]);
      const all = await collect(store, 'ups-1');
      expect(all).toHaveLength(4);
      // The replaced result keeps its place: order is first insertion.
      expect(all.map((r) => [r.caseId, r.target, r.repeat])).toEqual([
        ['a', 't', 0],
        ['b', 't', 0],
        ['a', 't', 1],
        ['a', 'u', 0],
      ]);
      expect(all[0]).toEqual(redo);
    });

    it('results(runId, { caseIds }) streams only those cases of that run', async () => {
      await store.createRun(run('only-1'));
      await store.saveResults(['a', 'b', 'c', 'd'].map((id) => result('only-1', id)));
      await store.saveResults([result('only-1', 'b', { target: 'u' }), result('other-only', 'b')]);
      const some: string[] = [];
      for await (const r of store.results('only-1', { caseIds: ['b', 'd'] }))
        some.push(`${r.caseId}/${r.target}`);
      expect(some).toEqual(['b/t', 'd/t', 'b/u']);
      const none: unknown[] = [];
      for await (const r of store.results('only-1', { caseIds: [] })) none.push(r);
      expect(none).toEqual([]);
    });

    it('saveResults runs inTransaction inside the results transaction: it sees them, and its failure rolls them back', async () => {
      await store.createRun(run('tx-1'));
      let seen: unknown[] = [];
      await store.saveResults([result('tx-1', 'a'), result('tx-1', 'b')], {
        inTransaction: async (tx) => {
          seen = (await tx.execute(`select case_id from results where run_id = 'tx-1' order by case_id`, []))
            .rows;
        },
      });
      expect(seen).toEqual([{ case_id: 'a' }, { case_id: 'b' }]);
      const failing = store.saveResults([result('tx-1', 'c')], {
        inTransaction: async () => {
          throw new Error('the queue could not complete the job');
        },
      });
      await expect(failing).rejects.toThrow('the queue could not complete the job');
      expect((await collect(store, 'tx-1')).map((r) => r.caseId)).toEqual(['a', 'b']);
    });

    it('results() streams in insertion order across pages (more than 500), one run only', async () => {
      await store.createRun(run('big-1'));
      await store.createRun(run('big-2'));
      const ids = Array.from({ length: 1234 }, (_, i) => `case-${String(1233 - i).padStart(4, '0')}`);
      for (let i = 0; i < ids.length; i += 400) {
        await store.saveResults(ids.slice(i, i + 400).map((id) => result('big-1', id)));
        await store.saveResults([result('big-2', `other-${i}`)]);
      }
      const got = await collect(store, 'big-1');
      expect(got.map((r) => r.caseId)).toEqual(ids);
      expect(got.every((r) => r.scores.length === 3)).toBe(true);
      expect(await collect(store, 'big-2')).toHaveLength(4);
      expect(await collect(store, 'no-such-run')).toEqual([]);
    });

    it('artifacts: stored per run and kind, in order', async () => {
      await store.createRun(run('art-1'));
      await store.saveArtifact('art-1', 'calibration', { kappa: 0.8 });
      await store.saveArtifact('art-1', 'comparison', { baseline: 'x' });
      await store.saveArtifact('art-1', 'calibration', { kappa: 0.9 });
      const all = await store.artifacts('art-1');
      expect(all.map((a) => [a.kind, a.value])).toEqual([
        ['calibration', { kappa: 0.8 }],
        ['comparison', { baseline: 'x' }],
        ['calibration', { kappa: 0.9 }],
      ]);
      expect(all[0]!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect((await store.artifacts('art-1', 'calibration')).map((a) => a.value)).toEqual([
        { kappa: 0.8 },
        { kappa: 0.9 },
      ]);
      expect(await store.artifacts('art-none')).toEqual([]);
    });

    it('saveDataset is idempotent for a version; datasetCases reads the cases back in order', async () => {
      const record = {
        name: 'golden',
        version: 'v-contract',
        caseCount: 2,
        createdAt: new Date().toISOString(),
      };
      const cases = [
        { id: 'a', vars: {}, tags: {} },
        { id: 'b', vars: { q: 1 }, tags: {} },
      ];
      await store.saveDataset(record, cases);
      await store.saveDataset(record, [cases[0]]);
      expect(await store.datasetCases('v-contract')).toEqual(cases);
      expect(await store.datasetCases('v-unknown')).toEqual([]);
    });

    it('listDatasets: stored versions oldest first, of one name when given', async () => {
      await store.saveDataset(
        { name: 'hyg', version: 'h-2', caseCount: 1, createdAt: '2026-02-01T00:00:00.000Z' },
        [{ id: 'x', vars: {}, tags: {} }],
      );
      await store.saveDataset(
        { name: 'hyg', version: 'h-1', caseCount: 1, createdAt: '2026-01-01T00:00:00.000Z', path: 'g.jsonl' },
        [{ id: 'x', vars: {}, tags: {} }],
      );
      expect(await store.listDatasets('hyg')).toEqual([
        { name: 'hyg', version: 'h-1', path: 'g.jsonl', caseCount: 1, createdAt: '2026-01-01T00:00:00.000Z' },
        { name: 'hyg', version: 'h-2', caseCount: 1, createdAt: '2026-02-01T00:00:00.000Z' },
      ]);
      expect((await store.listDatasets()).map((d) => d.version)).toContain('h-1');
      expect(await store.listDatasets('none')).toEqual([]);
    });

    it('the cache: visible before it is flushed, durable after saveResults and after close', async () => {
      await store.cacheSet('k-pending', { text: 'pending', latencyMs: 1 });
      expect(await store.cacheGet('k-pending')).toEqual({ text: 'pending', latencyMs: 1 });
      expect(await store.cacheGet('k-missing')).toBeUndefined();
      await store.createRun(run('cache-1'));
      // Flushed in the same transaction as the next results.
      await store.saveResults([result('cache-1', 'a')]);
      await store.cacheSet('k-at-close', 'closing');
      await store.cacheSet('k-pending', { text: 'overwritten', latencyMs: 2 });
      await store.close();
      store = await fixture.open();
      expect(await store.cacheGet('k-pending')).toEqual({ text: 'overwritten', latencyMs: 2 });
      expect(await store.cacheGet('k-at-close')).toBe('closing');
    });

    it('everything written survives closing and opening the store again', async () => {
      await store.createRun(run('dur-1'));
      await store.saveResults([result('dur-1', 'a'), result('dur-1', 'b')]);
      await store.close();
      store = await fixture.open();
      expect((await store.getRun('dur-1'))?.status).toBe('running');
      expect((await collect(store, 'dur-1')).map((r) => r.caseId)).toEqual(['a', 'b']);
    });

    it('web sessions: found by token hash until they expire, ended one by one or per key, pruned', async () => {
      const sessions = kyselySessionStore((store as unknown as { db: Kysely<Database> }).db);
      const base = {
        principalKind: 'key' as const,
        principalId: 'key_1',
        projectId: 'p1',
        role: 'admin' as const,
        createdMs: 1000,
      };
      await sessions.create({ ...base, tokenHash: 'h-live', expiresMs: 5000 });
      await sessions.create({ ...base, tokenHash: 'h-old', expiresMs: 2000 });
      await sessions.create({
        ...base,
        tokenHash: 'h-user',
        principalKind: 'user',
        principalId: 'usr_1',
        role: 'reviewer',
        expiresMs: 5000,
      });
      expect(await sessions.byHash('h-live', 3000)).toEqual({
        ...base,
        tokenHash: 'h-live',
        expiresMs: 5000,
      });
      expect(await sessions.byHash('h-old', 3000)).toBeUndefined();
      expect(await sessions.byHash('h-live', 5000)).toBeUndefined();
      expect(await sessions.prune(3000)).toBe(1);
      expect(await sessions.byHash('h-old', 0)).toBeUndefined();
      expect(await sessions.deleteFor('key', 'key_1')).toBe(1);
      expect((await sessions.byHash('h-user', 3000))?.role).toBe('reviewer');
      await sessions.delete('h-user');
      expect(await sessions.byHash('h-user', 3000)).toBeUndefined();
    });

    it('review tables: users by token hash, queues, items in order, one label row per item x rater, consensus', async () => {
      const reviews = kyselyReviewStore((store as unknown as { db: Kysely<Database> }).db);
      const user = {
        id: 'usr_c1',
        projectId: 'p1',
        name: 'ana',
        role: 'reviewer' as const,
        createdAt: '2026-01-01T00:00:00.000Z',
        tokenHash: 'h1',
      };
      await reviews.addUser(user);
      expect(await reviews.userByTokenHash('h1')).toEqual(user);
      expect((await reviews.userByName('p1', 'ana'))?.id).toBe('usr_c1');
      await expect(reviews.addUser({ ...user, id: 'usr_c2' })).rejects.toThrow();
      const queue = {
        id: 'rq_c1',
        projectId: 'p1',
        createdAt: '2026-01-01T00:00:00.000Z',
        name: 'q',
        dimensions: [{ name: 'ok', labels: ['y', 'n'] }],
        raters: 2,
        trapRate: 0.05,
        aggregation: 'majority' as const,
        leaseMinutes: 30,
      };
      await reviews.createQueue(queue);
      expect(await reviews.queueByName('p1', 'q')).toEqual(queue);
      await reviews.addItems(
        'rq_c1',
        [
          { id: 'c-b', content: { input: 'x', output: { a: 1 } }, gold: { ok: 'y' } },
          { id: 'c-a', content: { input: 'y', output: 'z', contexts: ['c'] }, createdBy: 'usr_c1' },
        ],
        1,
      );
      expect((await reviews.listItems('rq_c1')).map((i) => [i.id, i.seq, i.gold])).toEqual([
        ['c-b', 1, { ok: 'y' }],
        ['c-a', 2, undefined],
      ]);
      // The heads are the items without their content, in the same order.
      expect(await reviews.listItemHeads('rq_c1')).toEqual([
        { id: 'c-b', queueId: 'rq_c1', seq: 1, gold: { ok: 'y' } },
        { id: 'c-a', queueId: 'rq_c1', seq: 2, createdBy: 'usr_c1' },
      ]);
      const row = { itemId: 'c-a', userId: 'usr_c1', queueId: 'rq_c1', leaseUntilMs: 5, updatedMs: 1 };
      await reviews.putLabelRow({ ...row, state: 'leased' });
      await reviews.putLabelRow({ ...row, state: 'labelled', scores: { ok: 'n' }, comment: 'meh' });
      await reviews.putLabelRow({ ...row, state: 'labelled', scores: { ok: 'n' }, comment: 'meh' });
      expect(await reviews.labelRows('rq_c1')).toEqual([
        { ...row, state: 'labelled', scores: { ok: 'n' }, comment: 'meh' },
      ]);
      expect(await reviews.itemLabelRows('c-a')).toEqual(await reviews.labelRows('rq_c1'));
      expect(await reviews.itemLabelRows('c-b')).toEqual([]);
      // Removing a person: the sign-in lookups no longer find them, the list still names them, and
      // their lease (not their label) goes.
      await reviews.addUser({ ...user, id: 'usr_c3', name: 'bo', tokenHash: 'h3' });
      await reviews.putLabelRow({ ...row, itemId: 'c-b', userId: 'usr_c3', state: 'leased' });
      expect(await reviews.removeUser('usr_c3', '2026-02-01T00:00:00.000Z')).toEqual({ leases: 1 });
      expect(await reviews.userByTokenHash('h3')).toBeUndefined();
      expect(await reviews.userById('usr_c3')).toBeUndefined();
      expect(await reviews.userByName('p1', 'bo')).toBeUndefined();
      expect((await reviews.listUsers('p1')).map((u) => [u.name, u.removedAt])).toEqual([
        ['ana', undefined],
        ['bo', '2026-02-01T00:00:00.000Z'],
      ]);
      expect(await reviews.itemLabelRows('c-b')).toEqual([]);
      expect(await reviews.removeUser('usr_c1', '2026-02-01T00:00:00.000Z')).toEqual({ leases: 0 });
      expect((await reviews.labelRows('rq_c1')).map((r) => r.state)).toEqual(['labelled']);
      await reviews.setConsensus('c-a', { ok: 'y' }, true);
      expect(await reviews.getItem('c-a')).toMatchObject({ consensus: { ok: 'y' }, gold: { ok: 'y' } });
    });
  });
}
