import { type ExpressionBuilder, type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import {
  histogramQuantile,
  LATENCY_BINS_PER_LN,
  type TrafficBucket,
  type TrafficQuery,
  type TrafficSeries,
} from '../core/traffic-series.js';
import type { Dialect } from './migrations.js';
import { HOUR, NO_BIN, NONE, splitWindow } from './rollup-cells.js';
import type { Database } from './schema.js';

/** Most buckets one query may ask for: a chart has a few hundred points, not millions. */
export const MAX_BUCKETS = 2000;

const num = (x: unknown) => (x === null || x === undefined ? 0 : Number(x));

/**
 * The log-histogram bin (`histogramQuantile`'s) of a trace's or span's duration, null while it has
 * no end: durations under half a millisecond share the lowest bin.
 */
export function latencyBin(alias: 't' | 's', dialect: Dialect) {
  const max = sql.raw(dialect === 'postgres' ? 'greatest' : 'max');
  const [start, end] = [sql.ref(`${alias}.start_ms`), sql.ref(`${alias}.end_ms`)];
  return sql<
    number | null
  >`case when ${end} is null then null else floor(ln(${max}(${end} - ${start}, 0.5)) * ${LATENCY_BINS_PER_LN}) end`;
}

/**
 * The distinct values of an indexed column of a project (segments, models), by a loose index scan:
 * one index seek per value, instead of reading every row. Values over all time, for the filters.
 */
async function distinctValues(
  db: Kysely<Database>,
  table: 'traces' | 'spans',
  column: 'segment' | 'model' | 'prompt_version',
  projectId: string,
) {
  const col = sql.ref(column);
  const tbl = sql.table(table);
  const result = await sql<{ v: string | null }>`
    with recursive d(v) as (
      select min(${col}) from ${tbl} where project_id = ${projectId}
      union all
      select (select min(${col}) from ${tbl} where project_id = ${projectId} and ${col} > d.v) from d where d.v is not null
    )
    select v from d where v is not null limit 200`.execute(db);
  return result.rows.map((r) => ({ [column]: r.v }));
}

/** One bucket × latency bin of the series: counts and sums, from the rollup or the raw traces. */
interface Cell {
  b: unknown;
  bin: unknown;
  n: unknown;
  errors: unknown;
  cost: unknown;
  costed: unknown;
  tin: unknown;
  tout: unknown;
}

// biome-ignore lint/suspicious/noExplicitAny: a query over `traces as t`, whatever else it joins.
type OverTraces = SelectQueryBuilder<Database & { t: Database['traces'] }, 't', any>;

/** The series' trace filters on a query over `traces as t`: the model is any span's of the trace. */
function sliceTraces<Q extends OverTraces>(db: Kysely<Database>, dialect: Dialect, b: Q, q: TrafficQuery): Q {
  let out = b as OverTraces;
  if (q.segment) out = out.where('t.segment', '=', q.segment);
  if (q.promptVersion) out = out.where('t.prompt_version', '=', q.promptVersion);
  if (q.model) {
    const model = q.model;
    out = out.where((eb) =>
      eb.exists(
        db
          .selectFrom('spans as s')
          .select('s.span_id')
          // Correlated with the outer `traces as t`.
          .whereRef('s.trace_seq', '=', 't.seq' as never)
          // By the trace's own spans (their key), never by scanning all spans of the model:
          // SQLite's planner would take the model index without statistics, `+` keeps it off it.
          .where(dialect === 'sqlite' ? sql`+s.model` : sql`s.model`, '=', model),
      ),
    );
  }
  return out as Q;
}

/** Cells of the traces started in [fromMs, toMs), from the raw rows: one grouped pass. */
function rawCells(
  db: Kysely<Database>,
  dialect: Dialect,
  projectId: string,
  q: TrafficQuery,
  bucketMs: number,
  [fromMs, toMs]: [number, number],
): Promise<Cell[]> {
  const base = db
    .selectFrom('traces as t')
    .where('t.project_id', '=', projectId)
    .where('t.start_ms', '>=', fromMs)
    .where('t.start_ms', '<', toMs);
  return sliceTraces(db, dialect, base, q)
    .select([
      sql<number>`cast(floor(t.start_ms / ${bucketMs}) as bigint)`.as('b'),
      latencyBin('t', dialect).as('bin'),
      sql<number>`count(*)`.as('n'),
      sql<number>`sum(case when t.error_count > 0 then 1 else 0 end)`.as('errors'),
      sql<number>`sum(t.cost_usd)`.as('cost'),
      sql<number>`count(t.cost_usd)`.as('costed'),
      sql<number>`sum(t.input_tokens)`.as('tin'),
      sql<number>`sum(t.output_tokens)`.as('tout'),
    ])
    .groupBy([sql`1`, sql`2`])
    .execute();
}

/** Cells of whole hours [fromHour, toHour), from `trace_rollup` (bucketMs a multiple of an hour). */
async function rollupCells(
  db: Kysely<Database>,
  projectId: string,
  q: TrafficQuery,
  bucketMs: number,
  [fromHour, toHour]: [number, number],
): Promise<Cell[]> {
  const rows = await db
    .selectFrom('trace_rollup as r')
    .where('r.project_id', '=', projectId)
    .where('r.hour', '>=', fromHour)
    .where('r.hour', '<', toHour)
    .where('r.model', '=', q.model || NONE)
    .$if(Boolean(q.segment), (b) => b.where('r.segment', '=', q.segment!))
    .$if(Boolean(q.promptVersion), (b) => b.where('r.prompt_version', '=', q.promptVersion!))
    .select([
      sql<number>`r.hour / ${sql.lit(bucketMs / HOUR)}`.as('b'),
      'r.bin',
      sql<number>`sum(r.n)`.as('n'),
      sql<number>`sum(r.errors)`.as('errors'),
      sql<number>`sum(r.cost_usd)`.as('cost'),
      sql<number>`sum(r.costed)`.as('costed'),
      sql<number>`sum(r.input_tokens)`.as('tin'),
      sql<number>`sum(r.output_tokens)`.as('tout'),
    ])
    .groupBy([sql`1`, 'r.bin'])
    .execute();
  return rows.map((r) => ({ ...r, bin: Number(r.bin) === NO_BIN ? null : r.bin }));
}

/**
 * Volume, errors, latency p50/p95, cost, tokens, feedback and online scores of a project's traces,
 * per time bucket. With buckets a whole number of hours, the window's whole hours come from the
 * hourly rollup and only its partial edge hours from the traces; smaller buckets read the traces
 * (one grouped pass over the time index). Latency percentiles come from a log histogram either way.
 */
export async function trafficSeries(
  db: Kysely<Database>,
  dialect: Dialect,
  projectId: string,
  q: TrafficQuery,
  /** `rollups: false` reads every trace (what the rollup path is tested against). */
  opts: { rollups?: boolean } = {},
): Promise<TrafficSeries> {
  const bucketMs = Math.max(60_000, q.bucketMs);
  const split =
    bucketMs % HOUR === 0 && opts.rollups !== false
      ? splitWindow(q.fromMs, q.toMs)
      : { hours: null, edges: [[q.fromMs, q.toMs]] };
  const slicedTraces = (
    eb: ExpressionBuilder<Database & { f: Database['feedback'] }, 'f'>,
    table: 'f' | 's',
  ) =>
    eb.exists(
      sliceTraces(
        db,
        dialect,
        db
          .selectFrom('traces as t')
          .select('t.trace_id')
          .whereRef('t.project_id', '=', `${table}.project_id` as never)
          .whereRef('t.trace_id', '=', `${table}.trace_id` as never)
          .where('t.start_ms', '>=', q.fromMs)
          .where('t.start_ms', '<', q.toMs),
        q,
      ),
    );
  // Feedback and scores are found by their own time (a trace's feedback comes after it); with a
  // segment, model or prompt version filter, only those of the matching traces started in the window.
  const sliced = Boolean(q.segment || q.model || q.promptVersion);
  const [hourCells, edgeCells, feedback, scores, segments, models, promptVersions] = await Promise.all([
    split.hours ? rollupCells(db, projectId, q, bucketMs, split.hours) : Promise.resolve([]),
    Promise.all(
      split.edges.map((edge) => rawCells(db, dialect, projectId, q, bucketMs, edge as [number, number])),
    ),
    db
      .selectFrom('feedback as f')
      .$if(sliced, (qb) => qb.where((eb) => slicedTraces(eb, 'f')))
      .where('f.project_id', '=', projectId)
      .where('f.timestamp_ms', '>=', q.fromMs)
      .where('f.timestamp_ms', '<', q.toMs)
      .select([
        sql<number>`cast(floor(f.timestamp_ms / ${bucketMs}) as bigint)`.as('b'),
        sql<number>`count(*)`.as('n'),
        sql<number>`sum(case when f.value < 0 or ((lower(f.name) like '%star%' or lower(f.name) like '%rating%') and f.value <= 2) then 1 else 0 end)`.as(
          'neg',
        ),
      ])
      .groupBy(sql`1`)
      .execute(),
    db
      .selectFrom('span_scores as s')
      .$if(sliced, (qb) => qb.where((eb) => slicedTraces(eb as never, 's')))
      .where('s.project_id', '=', projectId)
      .where('s.created_ms', '>=', q.fromMs)
      .where('s.created_ms', '<', q.toMs)
      .select([
        sql<number>`cast(floor(s.created_ms / ${bucketMs}) as bigint)`.as('b'),
        sql<number>`count(s.value)`.as('n'),
        sql<number>`avg(s.value)`.as('mean'),
      ])
      .groupBy(sql`1`)
      .execute(),
    distinctValues(db, 'traces', 'segment', projectId),
    distinctValues(db, 'spans', 'model', projectId),
    distinctValues(db, 'traces', 'prompt_version', projectId),
  ]);
  const cells = [...hourCells, ...edgeCells.flat()];
  const hist = new Map<number, [number, number][]>();
  const totals = new Map<
    number,
    { n: number; errors: number; cost: number; costed: number; tin: number; tout: number }
  >();
  for (const r of cells) {
    const b = num(r.b);
    const t = totals.get(b) ?? { n: 0, errors: 0, cost: 0, costed: 0, tin: 0, tout: 0 };
    t.n += num(r.n);
    t.errors += num(r.errors);
    t.cost += num(r.cost);
    t.costed += num(r.costed);
    t.tin += num(r.tin);
    t.tout += num(r.tout);
    totals.set(b, t);
    if (r.bin === null || r.bin === undefined) continue;
    const list = hist.get(b) ?? [];
    list.push([num(r.bin), num(r.n)]);
    hist.set(b, list);
  }
  const fb = new Map(feedback.map((r) => [num(r.b), r]));
  const sc = new Map(scores.map((r) => [num(r.b), r]));
  const buckets: TrafficBucket[] = [];
  const first = Math.floor(q.fromMs / bucketMs);
  const last = Math.min(Math.ceil(q.toMs / bucketMs) - 1, first + MAX_BUCKETS - 1);
  for (let b = first; b <= last; b++) {
    const t = totals.get(b);
    const n = num(t?.n);
    const f = fb.get(b);
    const s = sc.get(b);
    const h = hist.get(b) ?? [];
    const fbN = num(f?.n);
    buckets.push({
      startMs: b * bucketMs,
      traces: n,
      errors: num(t?.errors),
      errorRate: n ? num(t?.errors) / n : null,
      latencyP50Ms: histogramQuantile(h, 0.5),
      latencyP95Ms: histogramQuantile(h, 0.95),
      costUsd: num(t?.cost),
      costPerTrace: num(t?.costed) ? num(t?.cost) / num(t?.costed) : null,
      inputTokens: num(t?.tin),
      outputTokens: num(t?.tout),
      feedback: fbN,
      negativeFeedback: num(f?.neg),
      feedbackRate: n ? fbN / n : null,
      negativeRate: fbN ? num(f?.neg) / fbN : null,
      scores: num(s?.n),
      meanScore: s?.mean === null || s?.mean === undefined ? null : Number(s.mean),
    });
  }
  return {
    bucketMs,
    buckets,
    segments: segments.map((r) => String(r.segment)).sort(),
    models: models.map((r) => String(r.model)).sort(),
    promptVersions: promptVersions.map((r) => String(r.prompt_version)).sort(),
  };
}
