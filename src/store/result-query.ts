import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { AssayError } from '../core/errors.js';
import type { ResultDetail, ResultPage, ResultQuery } from '../core/result-query.js';
import { toResult } from './kysely-store.js';
import type { Dialect } from './migrations.js';
import type { Database } from './schema.js';

/** Longest page a caller may ask for: the case table shows tens of rows, not thousands. */
export const MAX_PAGE = 500;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const STATUS_ORDER = sql<number>`case when r.error is not null then 2 when r.pass = 1 then 0 else 1 end`;

function orderExpression(q: ResultQuery): Expression<unknown> {
  switch (q.sort ?? 'case') {
    case 'case':
      return sql`r.case_id`;
    case 'target':
      return sql`r.target`;
    case 'status':
      return STATUS_ORDER;
    case 'latency':
      return sql`r.latency_ms`;
    case 'cost':
      return sql`coalesce(r.cost_usd, 0)`;
    case 'tokens':
      return sql`coalesce(r.tokens_in, 0) + coalesce(r.tokens_out, 0)`;
    case 'score':
      if (!q.sortEvaluator)
        throw new AssayError('input.invalid', 'sorting by score needs the evaluator to sort by', {
          field: 'evaluator',
        });
      // Unscored results sort as the lowest score, so "worst first" shows them first.
      return sql`coalesce((select max(s.value) from scores s where s.result_id = r.id and s.evaluator = ${q.sortEvaluator}), -1)`;
  }
}

/**
 * One page of a run's case table. Filters, sort and pagination run in SQL with bound parameters, so a
 * page of a 100,000-result run costs one indexed scan and one small scores lookup, never a full read.
 */
export async function queryResults(
  db: Kysely<Database>,
  dialect: Dialect,
  runId: string,
  q: ResultQuery,
): Promise<ResultPage> {
  const like = sql.raw(dialect === 'postgres' ? 'ilike' : 'like');
  let base = db.selectFrom('results as r').where('r.run_id', '=', runId);
  if (q.search) {
    const pattern = `%${escapeLike(q.search)}%`;
    base = base.where(
      sql<SqlBool>`(r.case_id ${like} ${pattern} escape '\\' or r.output ${like} ${pattern} escape '\\')`,
    );
  }
  if (q.caseId !== undefined) base = base.where('r.case_id', '=', q.caseId);
  if (q.target !== undefined) base = base.where('r.target', '=', q.target);
  if (q.status === 'error') base = base.where('r.error', 'is not', null);
  else if (q.status)
    base = base.where('r.error', 'is', null).where('r.pass', '=', q.status === 'pass' ? 1 : 0);
  if (q.tag) {
    // Tags are stored as JSON.stringify output, so `"key":"value"` is matched exactly, quotes included.
    const pair = `${JSON.stringify(q.tag.key)}:${JSON.stringify(q.tag.value)}`;
    base = base.where(sql<SqlBool>`r.tags like ${`%${escapeLike(pair)}%`} escape '\\'`);
  }
  if (q.failedEvaluator !== undefined) {
    const evaluator = q.failedEvaluator;
    base = base.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('scores as s')
          .select(sql`1`.as('one'))
          .whereRef('s.result_id', '=', 'r.id')
          .where('s.evaluator', '=', evaluator)
          .where('s.pass', '=', 0),
      ),
    );
  }
  const limit = Math.min(Math.max(q.limit ?? 50, 0), MAX_PAGE);
  const offset = Math.max(q.offset ?? 0, 0);
  const direction = sql.raw(q.order === 'desc' ? 'desc' : 'asc');
  // Deferred join: the page's ids are found on the indexes alone (skipping `offset` entries costs no
  // row reads), then only those rows are read.
  const [count, ids] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    limit === 0
      ? Promise.resolve([])
      : base
          .select('r.id')
          .orderBy(sql`${orderExpression(q)} ${direction}`)
          .orderBy(sql`r.id ${direction}`)
          .limit(limit)
          .offset(offset)
          .execute(),
  ]);
  const pageIds = ids.map((r) => Number(r.id));
  const found =
    pageIds.length === 0
      ? []
      : await db.selectFrom('results').selectAll().where('id', 'in', pageIds).execute();
  const byId = new Map(found.map((r) => [Number(r.id), r]));
  const rows = pageIds.map((id) => byId.get(id)!).filter(Boolean);
  const scores = await scoreRows(
    db,
    rows.map((r) => Number(r.id)),
  );
  return {
    total: Number(count.n),
    rows: rows.map((row) => ({ id: Number(row.id), ...toResult(row, scores.get(Number(row.id)) ?? []) })),
  };
}

type ScoreRow = Database['scores'];

async function scoreRows(db: Kysely<Database>, ids: number[]): Promise<Map<number, ScoreRow[]>> {
  const byResult = new Map<number, ScoreRow[]>();
  if (ids.length === 0) return byResult;
  for (const s of await db.selectFrom('scores').selectAll().where('result_id', 'in', ids).execute()) {
    const list = byResult.get(Number(s.result_id));
    if (list) list.push(s);
    else byResult.set(Number(s.result_id), [s]);
  }
  return byResult;
}

/** One result of a run by its row id, with the dataset case it answered; undefined when not in that run. */
export async function resultDetail(
  db: Kysely<Database>,
  runId: string,
  resultId: number,
): Promise<ResultDetail | undefined> {
  const row = await db
    .selectFrom('results')
    .selectAll()
    .where('id', '=', resultId)
    .where('run_id', '=', runId)
    .executeTakeFirst();
  if (!row) return undefined;
  const scores = await scoreRows(db, [resultId]);
  const detail: ResultDetail = { result: { id: resultId, ...toResult(row, scores.get(resultId) ?? []) } };
  const run = await db.selectFrom('runs').select('provenance').where('id', '=', runId).executeTakeFirst();
  const version = run
    ? (JSON.parse(run.provenance) as { dataset?: { version?: string } }).dataset?.version
    : undefined;
  if (version) {
    const c = await db
      .selectFrom('dataset_cases')
      .select('data')
      .where('dataset_version', '=', version)
      .where('case_id', '=', row.case_id)
      .executeTakeFirst();
    if (c) detail.case = JSON.parse(c.data);
  }
  return detail;
}
