import { type Kysely, sql } from 'kysely';
import {
  histogramQuantile,
  LATENCY_BINS_PER_LN,
  type TrafficBucket,
  type TrafficQuery,
  type TrafficSeries,
} from '../core/traffic-series.js';
import type { Dialect } from './migrations.js';
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

/**
 * Volume, errors, latency p50/p95, cost, tokens, feedback and online scores of a project's traces,
 * per time bucket: a handful of GROUP BY queries over the time index, so a million traces answer in
 * one pass each, with latency percentiles from a log histogram rather than a sort.
 */
export async function trafficSeries(
  db: Kysely<Database>,
  dialect: Dialect,
  projectId: string,
  q: TrafficQuery,
): Promise<TrafficSeries> {
  const bucketMs = Math.max(60_000, q.bucketMs);
  const bucket = sql<number>`cast(floor(t.start_ms / ${bucketMs}) as bigint)`;
  const traces = () => {
    let b = db
      .selectFrom('traces as t')
      .where('t.project_id', '=', projectId)
      .where('t.start_ms', '>=', q.fromMs)
      .where('t.start_ms', '<', q.toMs);
    if (q.segment) b = b.where('t.segment', '=', q.segment);
    if (q.promptVersion) b = b.where('t.prompt_version', '=', q.promptVersion);
    if (q.model)
      b = b.where(
        't.trace_id',
        'in',
        db
          .selectFrom('spans as s')
          .select('s.trace_id')
          .where('s.project_id', '=', projectId)
          .where('s.model', '=', q.model)
          .where('s.start_ms', '>=', q.fromMs - 3_600_000)
          .where('s.start_ms', '<', q.toMs),
      );
    return b;
  };
  // Feedback and scores are found by their own time (a trace's feedback comes after it); with a
  // segment or model filter, only those of the matching traces.
  const sliced = Boolean(q.segment || q.model || q.promptVersion);
  const [cells, feedback, scores, segments, models, promptVersions] = await Promise.all([
    // One pass over the window: per bucket and latency bin, the sums; folded per bucket below.
    traces()
      .select([
        bucket.as('b'),
        latencyBin('t', dialect).as('bin'),
        sql<number>`count(*)`.as('n'),
        sql<number>`sum(case when t.error_count > 0 then 1 else 0 end)`.as('errors'),
        sql<number>`sum(t.cost_usd)`.as('cost'),
        sql<number>`count(t.cost_usd)`.as('costed'),
        sql<number>`sum(t.input_tokens)`.as('tin'),
        sql<number>`sum(t.output_tokens)`.as('tout'),
      ])
      .groupBy([sql`1`, sql`2`])
      .execute(),
    db
      .selectFrom('feedback as f')
      .$if(sliced, (qb) => qb.where('f.trace_id', 'in', traces().select('t.trace_id')))
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
      .$if(sliced, (qb) => qb.where('s.trace_id', 'in', traces().select('t.trace_id')))
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
