import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseDataset } from '../src/datasets/load.js';
import type { Item } from '../src/review/model.js';
import { reviewService } from '../src/review/service.js';
import { addUser } from '../src/review/users.js';
import { openStores } from '../src/store/open.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { runCli } from './helpers/cli.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { type SeededCase, seedRun } from './helpers/review-run.js';
import { tempDir } from './helpers/suite.js';

// Child processes on a shared machine: generous, though each takes about a second.
vi.setConfig({ testTimeout: 120_000 });

/** 60 cases: 40 of type a, 20 of type b; every third answer fails. */
const CASES: SeededCase[] = Array.from({ length: 60 }, (_, i) => ({
  id: `c${String(i).padStart(2, '0')}`,
  question: `question ${i}`,
  expected: `answer ${i}`,
  tags: { type: i < 40 ? 'a' : 'b' },
  answer: i % 3 === 0 ? 'no idea' : `answer ${i}`,
  pass: i % 3 !== 0,
  judge: [2, 4, 5][i % 3]!,
}));

const QUEUE = {
  name: 'answers',
  dimensions: [
    { name: 'accuracy', scale: [1, 5] },
    { name: 'verdict', labels: ['good', 'bad'] },
  ],
  raters: 2,
  trapRate: 0,
};

/** Seeds the store `db` with run `run-1` and the queue `answers`. */
async function seed(db: string): Promise<void> {
  const stores = await openStores(db);
  try {
    await seedRun(stores.runs, 'run-1', CASES);
    // A second run on the first 50 cases, with other answers: the B side of pairwise items.
    await seedRun(
      stores.runs,
      'run-2',
      CASES.slice(0, 50).map((c) => ({ ...c, answer: `better ${c.expected}` })),
    );
    const project = await stores.traces.ensureProject('default');
    await reviewService(stores.reviews).createQueue({ projectId: project.id }, QUEUE);
    await reviewService(stores.reviews).createQueue(
      { projectId: project.id },
      { name: 'pairs', dimensions: [{ name: 'better', labels: ['A', 'B', 'tie'] }], raters: 2, trapRate: 0 },
    );
  } finally {
    await stores.traces.close();
  }
}

async function itemsOf(db: string, queue = 'answers'): Promise<Item[]> {
  const stores = await openStores(db);
  try {
    const project = await stores.traces.ensureProject('default');
    const q = await stores.reviews.queueByName(project.id, queue);
    return q ? await stores.reviews.listItems(q.id) : [];
  } finally {
    await stores.traces.close();
  }
}

const cli = (args: string[], cwd: string) => runCli(args, { cwd });

/** Runs `body` with the review service on store `db`, in the default project. */
async function withService<T>(
  db: string,
  body: (service: ReturnType<typeof reviewService>, projectId: string) => Promise<T>,
): Promise<T> {
  const stores = await openStores(db);
  try {
    const project = await stores.traces.ensureProject('default');
    return await body(reviewService(stores.reviews), project.id);
  } finally {
    await stores.traces.close();
  }
}

async function openUser(db: string, name: string) {
  const stores = await openStores(db);
  try {
    const project = await stores.traces.ensureProject('default');
    return await stores.reviews.userByName(project.id, name);
  } finally {
    await stores.traces.close();
  }
}

const caseNumber = (i: Item) => Number((i.source as { caseId: string }).caseId.slice(1));

/** What ana (k = 0) and ben (k = 1) give case n: failed answers 2 and 1, the others 4 or 5, and 3 on every fifth. */
const accuracyOf = (n: number, k: number) =>
  n % 5 === 0 ? 3 : n % 3 === 0 ? 2 - k : n % 3 === 1 ? 4 : 4 + k;

/**
 * Two reviewers rate every item the queue gives them, as a rater does: `next`, then a label (verdict
 * bad on a failed answer). With k = 2 and two raters, that is every item, by both.
 */
async function rate(db: string): Promise<void> {
  const stores = await openStores(db);
  try {
    const project = await stores.traces.ensureProject('default');
    const service = reviewService(stores.reviews);
    const q = (await stores.reviews.queueByName(project.id, 'answers'))!;
    // What the rater sees has no source: the case number comes from the stored items.
    const caseOf = new Map((await stores.reviews.listItems(q.id)).map((i) => [i.id, caseNumber(i)]));
    for (const [k, name] of ['ana', 'ben'].entries()) {
      const user =
        (await stores.reviews.userByName(project.id, name)) ??
        (await addUser(stores.reviews, stores.traces, { name, role: 'reviewer' })).user;
      const actor = { projectId: project.id, user };
      for (
        let item = await service.next(actor, 'answers');
        item;
        item = await service.next(actor, 'answers')
      ) {
        const n = caseOf.get(item.id)!;
        await service.label(actor, item.id, {
          scores: { accuracy: accuracyOf(n, k), verdict: n % 3 === 0 ? 'bad' : 'good' },
        });
      }
    }
  } finally {
    await stores.traces.close();
  }
}

function addTests(store: () => { db: string; cwd: string }) {
  it('adds a stratified sample of the failed outputs, each with its input, output, contexts, reference and link', async () => {
    const { db, cwd } = store();
    const args = ['review', 'add', '--queue', 'answers', '--run', 'run-1', '--failed', '--db', db];
    const res = await cli([...args, '--sample', '10', '--stratify-by', 'type', '--seed', '3'], cwd);
    expect(res.stderr).toMatch(/sample 10 of 20 cases/);
    expect(res.stdout).toMatch(/added 10 failed outputs of run run-1 to review queue "answers"/);
    expect(res.code).toBe(0);
    const items = await itemsOf(db);
    expect(items).toHaveLength(10);
    // 20 failed: 14 of type a, 6 of type b → 7 and 3 in a sample of 10.
    const types = items.map((i) => (i.source as { tags: Record<string, string> }).tags.type);
    expect(types.filter((t) => t === 'a')).toHaveLength(7);
    const first = items[0]!;
    const caseId = (first.source as { caseId: string }).caseId;
    const n = Number(caseId.slice(1));
    expect(n % 3).toBe(0);
    expect(first).toMatchObject({
      input: `question ${n}`,
      output: 'no idea',
      contexts: [`doc for ${caseId}`],
      reference: `answer ${n}`,
      source: {
        kind: 'run',
        runId: 'run-1',
        caseId,
        target: 'bot',
        dataset: 'golden@v-run-1',
        vars: { question: `question ${n}` },
        pass: false,
      },
    });
  });

  it('adds the same run’s cases once, however often it is run', async () => {
    const { db, cwd } = store();
    const again = await cli(
      ['review', 'add', '--queue', 'answers', '--run', 'run-1', '--failed', '--db', db],
      cwd,
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/added 10 failed outputs .* \(10 already there\)/);
    const all = await cli(['review', 'add', '--queue', 'answers', '--run', 'run-1', '--db', db], cwd);
    expect(all.stdout).toMatch(/added 40 outputs .* \(20 already there\)/);
    const items = await itemsOf(db);
    expect(items).toHaveLength(60);
    expect(new Set(items.map((i) => (i.source as { caseId: string }).caseId)).size).toBe(60);
  });

  it('an unknown queue or run exits 2 naming it; a bad flag is one line naming the flag', async () => {
    const { db, cwd } = store();
    const q = await cli(['review', 'add', '--queue', 'nope', '--run', 'run-1', '--db', db], cwd);
    expect(q.code).toBe(2);
    expect(q.stderr.trim()).toBe(
      'assay: error: --queue: no review queue "nope" in this project (queues: answers, pairs)',
    );
    const r = await cli(['review', 'add', '--queue', 'answers', '--run', 'run-9', '--db', db], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('assay: error: --run: no run "run-9" of project "default" in the store');
    const s = await cli(
      ['review', 'add', '--queue', 'answers', '--run', 'run-1', '--sample', 'x', '--db', db],
      cwd,
    );
    expect(s.code).toBe(2);
    expect(s.stderr.trim().split('\n')).toHaveLength(1);
    expect(s.stderr).toMatch(/--sample expects a count/);
    const by = await cli(
      ['review', 'add', '--queue', 'answers', '--run', 'run-1', '--stratify-by', 'type', '--db', db],
      cwd,
    );
    expect(by.code).toBe(2);
    expect(by.stderr.trim()).toBe('assay: error: --stratify-by goes with --sample');
  });

  it('exports the aggregated labels as a golden set that `assay eval` runs', async () => {
    const { db, cwd } = store();
    await rate(db);
    const res = await cli(
      ['review', 'export', '--queue', 'answers', '--to', 'reviewed.jsonl', '--db', db],
      cwd,
    );
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/exported 60 reviewed items of queue "answers" \(mean\) to reviewed.jsonl\n/);
    expect(res.code).toBe(0);
    const rows = readFileSync(join(cwd, 'reviewed.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(60);
    for (const row of rows) {
      const n = Number(row.reviewedFrom.caseId.slice(1));
      const bad = n % 3 === 0;
      expect(row).toMatchObject({
        question: `question ${n}`,
        output: bad ? 'no idea' : `answer ${n}`,
        reference: `answer ${n}`,
        expected: {
          scores: { accuracy: (accuracyOf(n, 0) + accuracyOf(n, 1)) / 2, verdict: bad ? 'bad' : 'good' },
        },
        ratings: 2,
        tags: { type: n < 40 ? 'a' : 'b' },
        origin: 'review',
        reviewedFrom: {
          queue: 'answers',
          item: row.id,
          aggregation: 'mean',
          ratings: 2,
          runId: 'run-1',
          target: 'bot',
        },
      });
      expect(row.input).toBeUndefined();
    }
    // A golden case with its provenance apart from the template variables.
    const text = readFileSync(join(cwd, 'reviewed.jsonl'), 'utf8');
    const c = parseDataset(text, 'reviewed.jsonl').cases[0]!;
    expect(c).toMatchObject({ origin: 'review', reviewedFrom: { queue: 'answers', runId: 'run-1' } });
    expect(Object.keys(c.vars).sort()).toEqual(['contexts', 'output', 'question', 'ratings', 'reference']);
    // The labels are the expected values of a suite that reads them.
    writeFileSync(
      join(cwd, 'app.mjs'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the app's own template literal.
      'export const answer = (c) => `verdict: ${c.expected.scores.verdict}`;\n',
    );
    writeFileSync(
      join(cwd, 'reviewed.yaml'),
      [
        'dataset: ./reviewed.jsonl',
        'targets:',
        '  - { id: app, provider: function, module: ./app.mjs#answer }',
        'evaluators:',
        "  - { type: contains, value: '{{ expected.scores.verdict }}' }",
        '',
      ].join('\n'),
    );
    const ev = await cli(['eval', '-c', 'reviewed.yaml', '--db', join(cwd, 'eval.db'), '-o', 'ev.json'], cwd);
    expect(ev.code).toBe(0);
    const out = JSON.parse(readFileSync(join(cwd, 'ev.json'), 'utf8'));
    expect(out.results).toHaveLength(60);
    expect(out.results.every((r: { pass: boolean }) => r.pass)).toBe(true);
  });

  it('calibrate --review: the judge against the queue’s aggregated labels, as --labels computes it', async () => {
    const { db, cwd } = store();
    const res = await cli(
      ['calibrate', '--review', 'answers', '--run', 'run-1', '--json', 'cal.json', '--db', db],
      cwd,
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /Calibration of rubric.accuracy \(run run-1\) against human labels: 60 outputs/,
    );
    const doc = JSON.parse(readFileSync(join(cwd, 'cal.json'), 'utf8'));
    expect(doc).toMatchObject({ run: 'run-1', labels: 'review:answers', review: 'answers' });
    // The same ratings as a labels file give the same statistics.
    const lines = JSON.parse(
      `[${readFileSync(join(cwd, 'reviewed.jsonl'), 'utf8').trim().split('\n').join(',')}]`,
    ).flatMap((row: { reviewedFrom: { caseId: string } }) => {
      const n = Number(row.reviewedFrom.caseId.slice(1));
      return [0, 1].map((k) =>
        JSON.stringify({
          caseId: row.reviewedFrom.caseId,
          dimension: 'accuracy',
          rater: `r${k}`,
          score: accuracyOf(n, k),
        }),
      );
    });
    writeFileSync(join(cwd, 'human.jsonl'), `${lines.join('\n')}\n`);
    const file = await cli(
      ['calibrate', '--labels', 'human.jsonl', '--run', 'run-1', '--json', 'cal-file.json', '--db', db],
      cwd,
    );
    expect(file.code).toBe(0);
    const fromFile = JSON.parse(readFileSync(join(cwd, 'cal-file.json'), 'utf8'));
    // Rater order may differ (ids vs names): α agrees to rounding.
    const strip = (c: { notes: string[]; humanAgreement: { alpha: number } }) => ({
      ...c,
      notes: [],
      humanAgreement: { ...c.humanAgreement, alpha: Number(c.humanAgreement.alpha.toFixed(12)) },
    });
    expect(doc.calibrations.map(strip)).toEqual(fromFile.calibrations.map(strip));
    expect(doc.calibrations[0].n).toBe(60);
    expect(doc.calibrations[0].spearman.value).toBeGreaterThan(0.8);
    expect(doc.calibrations[0].notes).toContain('label dimensions left out (no numeric scale): verdict');
  });

  it('calibrate: --labels or --review, one of them; an unknown queue exits 2', async () => {
    const { db, cwd } = store();
    const none = await cli(['calibrate', '--run', 'run-1', '--db', db], cwd);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toBe(
      'assay: error: --labels: give the human labels with --labels FILE or --review QUEUE (one of them)',
    );
    const q = await cli(['calibrate', '--review', 'nope', '--run', 'run-1', '--db', db], cwd);
    expect(q.code).toBe(2);
    expect(q.stderr).toMatch(/^assay: error: --review: no review queue "nope" in this project/);
  });

  it('--disagreements: the outputs where judge and humans disagree most become calibration items, each once', async () => {
    const { db, cwd } = store();
    await withService(db, async (service, projectId) => {
      for (const name of ['calib', 'calib-file'])
        await service.createQueue(
          { projectId },
          { name, dimensions: [{ name: 'accuracy', scale: [1, 5] }], raters: 2, trapRate: 0 },
        );
    });
    const args = ['review', 'add', '--queue', 'calib', '--disagreements', '--run', 'run-1', '--db', db];
    const res = await cli([...args, '--review', 'answers', '--top', '5'], cwd);
    expect(res.stderr).toBe('');
    expect(res.stdout.trim()).toBe(
      'assay: added 5 judge–human disagreement(s) of run run-1 (against review:answers; rubric.accuracy: 60 labelled output(s)) to review queue "calib"',
    );
    expect(res.code).toBe(0);
    // The judge gives 2, 4, 5 by case number mod 3; ana and ben both give 3 on every fifth case, so
    // the gap is 2 on c05, c20, c35, c50 (judge 5), then 1 on c00, c10, c15, … (ties by case id).
    const items = await itemsOf(db, 'calib');
    expect(items.map((i) => (i.source as { caseId: string }).caseId)).toEqual([
      'c05',
      'c20',
      'c35',
      'c50',
      'c00',
    ]);
    expect(items[0]).toMatchObject({
      input: 'question 5',
      output: 'answer 5',
      contexts: ['doc for c05'],
      reference: 'answer 5',
      metadata: {
        judge: { 'rubric.accuracy': { score: 5, scale: [1, 5], reason: 'judged c05' } },
        human: { 'rubric.accuracy': { label: 3, ratings: [3, 3], from: 'review:answers' } },
        gap: { 'rubric.accuracy': 2 },
      },
      source: {
        kind: 'disagreement',
        runId: 'run-1',
        caseId: 'c05',
        target: 'bot',
        labels: 'review:answers',
      },
    });
    expect(items[0]?.gold).toBeUndefined();
    // Again with a longer list: only the new ones are added.
    const more = await cli([...args, '--review', 'answers', '--top', '8'], cwd);
    expect(more.stdout).toMatch(/added 3 judge–human disagreement\(s\) .* \(5 already there\)/);
    expect((await itemsOf(db, 'calib')).map((i) => (i.source as { caseId: string }).caseId).slice(5)).toEqual(
      ['c10', 'c15', 'c25'],
    );
    // The same ratings from a labels file pick the same outputs.
    const file = await cli(
      [
        ...['review', 'add', '--queue', 'calib-file', '--disagreements', '--run', 'run-1'],
        ...['--labels', 'human.jsonl', '--evaluator', 'rubric.accuracy', '--top', '5', '--db', db],
      ],
      cwd,
    );
    expect(file.stdout).toMatch(/added 5 judge–human disagreement\(s\) of run run-1 \(against human.jsonl;/);
    const fromFile = await itemsOf(db, 'calib-file');
    expect(fromFile.map((i) => (i.source as { caseId: string }).caseId)).toEqual(
      items.map((i) => (i.source as { caseId: string }).caseId),
    );
    expect(fromFile[0]?.metadata).toMatchObject({
      human: { 'rubric.accuracy': { label: 3, from: 'human.jsonl' } },
    });

    // A reviewer sees the judge's verdict and the human label beside the output; the consensus
    // recorded in the session exports as a golden case of the run.
    await withService(db, async (service, projectId) => {
      const ana = (await openUser(db, 'ana'))!;
      const shown = await service.next({ projectId, user: ana }, 'calib');
      expect(shown).toMatchObject({ id: items[0]?.id, metadata: items[0]?.metadata });
      expect(Object.keys(shown!).sort()).toEqual([
        'contexts',
        'id',
        'input',
        'metadata',
        'output',
        'reference',
      ]);
      await service.consensus({ projectId }, items[0]!.id, { scores: { accuracy: 4 } });
      // Two more settled in the session (c20: judge 5, c35: judge 5, both settled at 5).
      for (const item of items.slice(1, 3))
        await service.consensus({ projectId }, item.id, { scores: { accuracy: 5 } });
    });
    // The judge against what the session settled: the calibration queue's items are the run's outputs.
    const settled = await cli(
      ['calibrate', '--review', 'calib', '--run', 'run-1', '--json', 'settled.json', '--db', db],
      cwd,
    );
    expect(settled.code).toBe(0);
    const cal = JSON.parse(readFileSync(join(cwd, 'settled.json'), 'utf8')).calibrations[0];
    expect(cal).toMatchObject({ evaluator: 'rubric.accuracy', n: 3 });
    expect(cal.gaps.map((g: { caseId: string; gap: number }) => [g.caseId, g.gap])).toEqual([
      ['c05', 1],
      ['c20', 0],
      ['c35', 0],
    ]);
    const exported = await cli(
      ['review', 'export', '--queue', 'calib', '--to', 'calib.jsonl', '--db', db],
      cwd,
    );
    expect(exported.code).toBe(0);
    const golden = JSON.parse(readFileSync(join(cwd, 'calib.jsonl'), 'utf8').trim().split('\n')[0]!);
    expect(golden).toMatchObject({
      question: 'question 5',
      expected: { scores: { accuracy: 4 } },
      reviewedFrom: { queue: 'calib', aggregation: 'consensus', runId: 'run-1', caseId: 'c05' },
    });
  });

  it('--disagreements: one line naming the flag on what does not fit', async () => {
    const { db, cwd } = store();
    const base = ['review', 'add', '--queue', 'calib', '--run', 'run-1', '--db', db];
    const cases: [string[], string][] = [
      [
        ['--disagreements'],
        '--labels: --disagreements compares the judge with --labels FILE or --review QUEUE (one of them)',
      ],
      [['--labels', 'human.jsonl'], '--labels: --labels goes with --disagreements'],
      [
        ['--disagreements', '--review', 'calib'],
        '--queue: the disagreements of queue "calib" go to another queue (a calibration queue)',
      ],
      [
        ['--disagreements', '--review', 'answers', '--failed'],
        '--disagreements: --failed, --against and --sample do not go with --disagreements',
      ],
      [
        ['--disagreements', '--review', 'nope'],
        '--review: no review queue "nope" in this project (queues: answers, calib, calib-file, pairs)',
      ],
      [['--disagreements', '--labels', 'missing.jsonl'], ''],
    ];
    for (const [extra, message] of cases) {
      const res = await cli([...base, ...extra], cwd);
      expect(res.code, extra.join(' ')).toBe(2);
      expect(res.stderr.trim().split('\n'), extra.join(' ')).toHaveLength(1);
      if (message) expect(res.stderr.trim()).toBe(`assay: error: ${message}`);
      else expect(res.stderr).toMatch(/missing\.jsonl/);
    }
  });

  it('--against: pairwise items of two runs’ answers to the same case, each pair once', async () => {
    const { db, cwd } = store();
    const args = ['review', 'add', '--queue', 'pairs', '--run', 'run-1', '--against', 'run-2', '--db', db];
    const res = await cli(args, cwd);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/10 output\(s\) of run run-1 have no answer in run run-2: not paired/);
    expect(res.stdout).toMatch(/added 50 pairs \(against run run-2\) of run run-1 to review queue "pairs"/);
    const items = await itemsOf(db, 'pairs');
    expect(items).toHaveLength(50);
    const n = caseNumber(items[7]!);
    expect(items[7]).toMatchObject({
      input: `question ${n}`,
      outputs: [n % 3 === 0 ? 'no idea' : `answer ${n}`, `better answer ${n}`],
      source: { kind: 'pairwise', runs: ['run-1', 'run-2'], target: 'bot' },
    });
    const again = await cli(args, cwd);
    expect(again.stdout).toMatch(/added 0 pairs .* \(50 already there\)/);
    expect(await itemsOf(db, 'pairs')).toHaveLength(50);
  });

  it('export: an unknown queue exits 2; --to must be JSONL', async () => {
    const { db, cwd } = store();
    const q = await cli(['review', 'export', '--queue', 'nope', '--to', 'x.jsonl', '--db', db], cwd);
    expect(q.code).toBe(2);
    expect(q.stderr).toMatch(/^assay: error: --queue: no review queue "nope"/);
    // Items nobody rated yet are left out, and counted.
    const none = await cli(['review', 'export', '--queue', 'pairs', '--to', 'p.jsonl', '--db', db], cwd);
    expect(none.stdout).toMatch(
      /exported 0 reviewed items of queue "pairs" .*; 50 without labels yet left out/,
    );
    const to = await cli(['review', 'export', '--queue', 'answers', '--to', 'x.csv', '--db', db], cwd);
    expect(to.code).toBe(2);
    expect(to.stderr.trim()).toBe(
      'assay: error: --to: the golden dataset must be a .jsonl file, got "x.csv"',
    );
  });
}

describe('assay review add and export on SQLite', () => {
  const tmp = tempDir('assay-review-cli-');
  const db = `${tmp.dir}/assay.db`;
  beforeAll(async () => {
    await ensureBuilt();
    await seed(db);
  }, BUILD_TIMEOUT_MS);
  afterAll(() => tmp.cleanup());
  addTests(() => ({ db, cwd: tmp.dir }));
});

const probe = await probePostgres();

describe.runIf(probe.ok || process.env.CI)('assay review add and export on PostgreSQL', () => {
  const tmp = tempDir('assay-review-pg-');
  const schema = freshSchema('assay_review_cli');
  const db = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  beforeAll(async () => {
    await ensureBuilt();
    await pgExec(`CREATE SCHEMA "${schema}"`);
    await seed(db);
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    tmp.cleanup();
    await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
  addTests(() => ({ db, cwd: tmp.dir }));
});
