import { CompiledQuery, type Kysely, type Selectable } from 'kysely';
import { AssayError } from '../core/errors.js';
import { redactSecrets } from '../core/redact.js';
import type { ResultDetail, ResultPage, ResultQuery } from '../core/result-query.js';
import type { ResultRecord, RunRecord } from '../core/run.js';
import { DEFAULT_PROJECT } from '../core/run.js';
import type { DatasetRecord, RunScope, SaveResultsOptions, Store } from '../core/store.js';
import { CHUNK, chunks } from './chunks.js';
import type { Dialect } from './migrations.js';
import { queryResults, resultDetail } from './result-query.js';
import { redacted, writeResults } from './result-write.js';
import type { Database } from './schema.js';

const PAGE = 500;

/** Runs an ambiguous id prefix lists. */
const AMBIGUOUS_SHOWN = 5;

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
const parse = <T>(text: string | null): T | undefined =>
  text === null ? undefined : (JSON.parse(text) as T);

/**
 * The store on any Kysely database: SQLite and PostgreSQL share this code, the schema and the
 * migrations. Bound parameters only.
 */
export class KyselyStore implements Store {
  /** Cache entries written with the next batch of results, in the same transaction. */
  protected pendingCache = new Map<string, string>();

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  async saveDataset(record: DatasetRecord, cases: unknown[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const exists = await trx
        .selectFrom('datasets')
        .select('version')
        .where('name', '=', record.name)
        .where('version', '=', record.version)
        .executeTakeFirst();
      if (exists) return;
      await trx
        .insertInto('datasets')
        .values({
          name: record.name,
          version: record.version,
          path: record.path ?? null,
          case_count: record.caseCount,
          created_at: record.createdAt,
        })
        .execute();
      const have = await trx
        .selectFrom('dataset_cases')
        .select('position')
        .where('dataset_version', '=', record.version)
        .executeTakeFirst();
      if (have) return;
      for (const part of chunks(
        cases.map((c, i) => ({ c, i })),
        CHUNK,
      )) {
        await trx
          .insertInto('dataset_cases')
          .values(
            part.map(({ c, i }) => ({
              dataset_version: record.version,
              position: i,
              case_id: String((c as { id?: unknown }).id ?? i),
              data: JSON.stringify(c),
            })),
          )
          .execute();
      }
    });
  }

  async datasetCases(version: string): Promise<unknown[]> {
    const rows = await this.db
      .selectFrom('dataset_cases')
      .select('data')
      .where('dataset_version', '=', version)
      .orderBy('position')
      .execute();
    return rows.map((r) => JSON.parse(r.data));
  }

  async listDatasets(name?: string): Promise<DatasetRecord[]> {
    let q = this.db.selectFrom('datasets').selectAll().orderBy('created_at').orderBy('version');
    if (name !== undefined) q = q.where('name', '=', name);
    const rows = await q.execute();
    return rows.map((r) => ({
      name: r.name,
      version: r.version,
      ...(r.path === null ? {} : { path: r.path }),
      caseCount: Number(r.case_count),
      createdAt: r.created_at,
    }));
  }

  async createRun(run: RunRecord): Promise<void> {
    await this.db
      .insertInto('runs')
      .values({
        id: run.id,
        created_at: run.createdAt,
        finished_at: run.finishedAt ?? null,
        status: run.status,
        description: run.description ?? null,
        project: run.project ?? DEFAULT_PROJECT,
        config_hash: run.configHash,
        provenance: JSON.stringify(redactSecrets(run.provenance)),
        summary: json(run.summary),
        error: redacted(run.error),
      })
      .execute();
  }

  async updateRun(
    id: string,
    patch: Partial<Pick<RunRecord, 'status' | 'finishedAt' | 'summary' | 'error'>>,
  ): Promise<void> {
    await this.flushCache();
    const set: Partial<Database['runs']> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.finishedAt !== undefined) set.finished_at = patch.finishedAt;
    if (patch.summary !== undefined) set.summary = json(patch.summary);
    if (patch.error !== undefined) set.error = redacted(patch.error);
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('runs').set(set).where('id', '=', id).execute();
  }

  async getRun(id: string, scope: RunScope = {}): Promise<RunRecord | undefined> {
    const runs = () => {
      const q = this.db.selectFrom('runs').selectAll();
      return scope.project === undefined ? q : q.where('project', '=', scope.project);
    };
    const row = await runs().where('id', '=', id).executeTakeFirst();
    if (row) return toRun(row);
    const prefix = id.replace(/[%_]/g, '');
    if (prefix === '') return undefined;
    // A unique prefix of an id is enough, as with git commits; an ambiguous one lists the runs.
    const like = await runs()
      .where('id', 'like', `${prefix}%`)
      .orderBy('id', 'desc')
      .limit(AMBIGUOUS_SHOWN + 1)
      .execute();
    if (like.length > 1) {
      const shown = like.slice(0, AMBIGUOUS_SHOWN).map((r) => r.id);
      const more = like.length > AMBIGUOUS_SHOWN ? ', …' : '';
      throw new AssayError(
        'input.invalid',
        `run id "${id}" is ambiguous: it starts ${shown.join(', ')}${more}; give more characters`,
      );
    }
    return like.length === 1 ? toRun(like[0]!) : undefined;
  }

  async listRuns(options: { limit?: number; configHash?: string } & RunScope = {}): Promise<RunRecord[]> {
    let q = this.db.selectFrom('runs').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
    if (options.configHash) q = q.where('config_hash', '=', options.configHash);
    if (options.project !== undefined) q = q.where('project', '=', options.project);
    const rows = await q.limit(options.limit ?? 50).execute();
    return rows.map(toRun);
  }

  async latestUnfinished(configHash: string): Promise<RunRecord | undefined> {
    const row = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('config_hash', '=', configHash)
      .where('status', '!=', 'completed')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toRun(row) : undefined;
  }

  async saveResults(results: ResultRecord[], options: SaveResultsOptions = {}): Promise<void> {
    const { inTransaction } = options;
    if (results.length === 0 && this.pendingCache.size === 0 && !inTransaction) return;
    const cache = this.takeCache();
    // On PostgreSQL results alone are one statement, atomic without a transaction: one round trip
    // where BEGIN … COMMIT took five (a distributed worker writes a batch every few milliseconds).
    if (this.dialect === 'postgres' && cache.size === 0 && !inTransaction)
      return writeResults(this.db, this.dialect, results);
    await this.db.transaction().execute(async (trx) => {
      await writeCache(trx, cache);
      await writeResults(trx, this.dialect, results);
      await inTransaction?.({
        execute: async (text, values) => {
          const { rows } = await trx.executeQuery(CompiledQuery.raw(text, values));
          return { rows };
        },
      });
    });
  }

  async *results(runId: string, options: { caseIds?: string[] } = {}): AsyncIterable<ResultRecord> {
    const { caseIds } = options;
    if (caseIds?.length === 0) return;
    let after = 0;
    for (;;) {
      let query = this.db
        .selectFrom('results')
        .selectAll()
        .where('run_id', '=', runId)
        .where('id', '>', after);
      if (caseIds) query = query.where('case_id', 'in', caseIds);
      const rows = await query.orderBy('id').limit(PAGE).execute();
      if (rows.length === 0) return;
      const ids = rows.map((r) => Number(r.id));
      const scores = await this.db.selectFrom('scores').selectAll().where('result_id', 'in', ids).execute();
      const byResult = new Map<number, typeof scores>();
      for (const s of scores) {
        const list = byResult.get(Number(s.result_id));
        if (list) list.push(s);
        else byResult.set(Number(s.result_id), [s]);
      }
      for (const row of rows) yield toResult(row, byResult.get(Number(row.id)) ?? []);
      after = ids[ids.length - 1]!;
      if (rows.length < PAGE) return;
    }
  }

  queryResults(runId: string, query: ResultQuery): Promise<ResultPage> {
    return queryResults(this.db, this.dialect, runId, query);
  }

  resultDetail(runId: string, resultId: number): Promise<ResultDetail | undefined> {
    return resultDetail(this.db, runId, resultId);
  }

  async cacheGet(key: string): Promise<unknown | undefined> {
    const pending = this.pendingCache.get(key);
    if (pending !== undefined) return JSON.parse(pending);
    const row = await this.db.selectFrom('cache').select('value').where('key', '=', key).executeTakeFirst();
    return row ? JSON.parse(row.value) : undefined;
  }

  async cacheSet(key: string, value: unknown): Promise<void> {
    this.pendingCache.set(key, JSON.stringify(value));
    if (this.pendingCache.size >= 1000) await this.flushCache();
  }

  async saveArtifact(runId: string, kind: string, value: unknown): Promise<void> {
    await this.db
      .insertInto('artifacts')
      .values({ run_id: runId, kind, value: JSON.stringify(value), created_at: new Date().toISOString() })
      .execute();
  }

  async artifacts(
    runId: string,
    kind?: string,
  ): Promise<{ kind: string; value: unknown; createdAt: string }[]> {
    let q = this.db.selectFrom('artifacts').selectAll().where('run_id', '=', runId);
    if (kind) q = q.where('kind', '=', kind);
    const rows = await q.orderBy('id').execute();
    return rows.map((r) => ({ kind: r.kind, value: JSON.parse(r.value), createdAt: r.created_at }));
  }

  async close(): Promise<void> {
    await this.flushCache();
    await this.db.destroy();
    await this.onClose();
  }

  protected takeCache(): Map<string, string> {
    const cache = this.pendingCache;
    this.pendingCache = new Map();
    return cache;
  }

  protected async flushCache(): Promise<void> {
    if (this.pendingCache.size === 0) return;
    const cache = this.takeCache();
    await this.db.transaction().execute((trx) => writeCache(trx, cache));
  }
}

async function writeCache(db: Kysely<Database>, cache: Map<string, string>): Promise<void> {
  if (cache.size === 0) return;
  const now = new Date().toISOString();
  for (const part of chunks([...cache], CHUNK)) {
    await db
      .insertInto('cache')
      .values(part.map(([key, value]) => ({ key, value, created_at: now })))
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
  }
}

function toRun(row: Selectable<Database['runs']>): RunRecord {
  const run: RunRecord = {
    id: row.id,
    createdAt: row.created_at,
    status: row.status as RunRecord['status'],
    project: row.project,
    configHash: row.config_hash,
    provenance: JSON.parse(row.provenance),
  };
  if (row.finished_at) run.finishedAt = row.finished_at;
  if (row.description) run.description = row.description;
  const summary = parse<RunRecord['summary']>(row.summary);
  if (summary) run.summary = summary;
  if (row.error) run.error = row.error;
  return run;
}

export function toResult(
  row: Selectable<Database['results']>,
  scores: Selectable<Database['scores']>[],
): ResultRecord {
  const r: ResultRecord = {
    runId: row.run_id,
    caseId: row.case_id,
    target: row.target,
    repeat: Number(row.repeat),
    tags: JSON.parse(row.tags),
    output: parse(row.output) ?? null,
    pass: Number(row.pass) === 1,
    scores: scores.map((s) => ({
      evaluator: s.evaluator,
      value: s.value === null ? null : Number(s.value),
      pass: s.pass === null ? null : Number(s.pass) === 1,
      ...(s.reason === null ? {} : { reason: s.reason }),
      ...(s.error === null ? {} : { error: s.error }),
      ...(s.details === null ? {} : { details: JSON.parse(s.details) }),
    })),
    latencyMs: Number(row.latency_ms),
  };
  if (row.error !== null) r.error = row.error;
  if (row.cost_usd !== null) r.costUsd = Number(row.cost_usd);
  if (row.tokens_in !== null || row.tokens_out !== null)
    r.tokens = { input: Number(row.tokens_in ?? 0), output: Number(row.tokens_out ?? 0) };
  return r;
}

export function storeError(message: string, cause: unknown): AssayError {
  return new AssayError('store.failed', `${message}: ${(cause as Error)?.message ?? cause}`, { cause });
}
