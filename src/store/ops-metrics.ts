import { type Kysely, sql } from 'kysely';
import type { OpsMetrics, OpsMetricsGroup, OpsMetricsQuery } from '../core/ops-metrics.js';
import { histogramQuantile } from '../core/traffic-series.js';
import type { Dialect } from './migrations.js';
import { HOUR, NO_BIN, NONE, splitWindow } from './rollup-cells.js';
import type { Database } from './schema.js';
import { latencyBin } from './traffic-series.js';

const num = (x: unknown) => (x === null || x === undefined ? 0 : Number(x));

/** Raw calls started in [fromMs, toMs), per group key and latency bin. */
function rawRows(
  db: Kysely<Database>,
  dialect: Dialect,
  projectId: string,
  q: OpsMetricsQuery,
  [fromMs, toMs]: [number, number],
) {
  const key =
    q.groupBy === 'model'
      ? sql<string>`s.model`
      : q.groupBy === 'segment'
        ? sql<string>`coalesce(s.segment, '(none)')`
        : q.groupBy === 'promptVersion'
          ? sql<string>`coalesce(s.prompt_version, '(none)')`
          : sql<string>`cast(floor(s.start_ms / ${HOUR}) as bigint)`;
  const ok = sql`s.status <> 'error'`;
  return db
    .selectFrom('spans as s')
    .where('s.project_id', '=', projectId)
    .where('s.start_ms', '>=', fromMs)
    .where('s.start_ms', '<', toMs)
    .where('s.model', 'is not', null)
    .$if(Boolean(q.model), (b) => b.where('s.model', '=', q.model!))
    .$if(Boolean(q.segment), (b) => b.where('s.segment', '=', q.segment!))
    .$if(Boolean(q.promptVersion), (b) => b.where('s.prompt_version', '=', q.promptVersion!))
    .select([
      key.as('k'),
      latencyBin('s', dialect).as('bin'),
      sql<number>`count(*)`.as('n'),
      sql<number>`sum(case when ${ok} then 0 else 1 end)`.as('errors'),
      sql<number>`sum(s.cost_usd)`.as('cost'),
      sql<number>`count(s.cost_usd)`.as('costed'),
      sql<number>`sum(case when ${ok} then s.output_tokens end)`.as('okOut'),
      sql<number>`sum(case when ${ok} and s.output_tokens is not null then 1 else 0 end)`.as('okCounted'),
      sql<number>`sum(coalesce(s.input_tokens, 0) + coalesce(s.output_tokens, 0))`.as('tokens'),
    ])
    .groupBy([sql`1`, sql`2`])
    .execute();
}

/** The calls of whole hours [fromHour, toHour), per group key and latency bin, from `call_rollup`. */
async function rollupRows(
  db: Kysely<Database>,
  projectId: string,
  q: OpsMetricsQuery,
  [fromHour, toHour]: [number, number],
) {
  const none = sql.lit(NONE);
  const key =
    q.groupBy === 'model'
      ? sql<string>`r.model`
      : q.groupBy === 'segment'
        ? sql<string>`case when r.segment = ${none} then '(none)' else r.segment end`
        : q.groupBy === 'promptVersion'
          ? sql<string>`case when r.prompt_version = ${none} then '(none)' else r.prompt_version end`
          : sql<string>`r.hour`;
  const rows = await db
    .selectFrom('call_rollup as r')
    .where('r.project_id', '=', projectId)
    .where('r.hour', '>=', fromHour)
    .where('r.hour', '<', toHour)
    .$if(Boolean(q.model), (b) => b.where('r.model', '=', q.model!))
    .$if(Boolean(q.segment), (b) => b.where('r.segment', '=', q.segment!))
    .$if(Boolean(q.promptVersion), (b) => b.where('r.prompt_version', '=', q.promptVersion!))
    .select([
      key.as('k'),
      'r.bin',
      sql<number>`sum(r.n)`.as('n'),
      sql<number>`sum(r.errors)`.as('errors'),
      sql<number>`sum(r.cost_usd)`.as('cost'),
      sql<number>`sum(r.costed)`.as('costed'),
      sql<number>`sum(r.ok_output_tokens)`.as('okOut'),
      sql<number>`sum(r.ok_counted)`.as('okCounted'),
      sql<number>`sum(r.tokens)`.as('tokens'),
    ])
    .groupBy([sql`1`, 'r.bin'])
    .execute();
  return rows.map((r) => ({ ...r, bin: Number(r.bin) === NO_BIN ? null : r.bin }));
}

/**
 * Latency p50/p95/p99, error rate, cost per query and token efficiency of a project's LLM spans
 * (spans with a model) in a window, per model, segment, prompt version or hour: the window's whole
 * hours from the hourly rollup, its partial edge hours from the spans; percentiles from a log
 * histogram (as `trafficSeries` does) rather than a sort.
 */
export async function opsMetrics(
  db: Kysely<Database>,
  dialect: Dialect,
  projectId: string,
  q: OpsMetricsQuery,
  /** `rollups: false` reads every span (what the rollup path is tested against). */
  opts: { rollups?: boolean } = {},
): Promise<OpsMetrics> {
  const split =
    opts.rollups === false
      ? { hours: null, edges: [[q.fromMs, q.toMs] as [number, number]] }
      : splitWindow(q.fromMs, q.toMs);
  const parts = await Promise.all([
    split.hours ? rollupRows(db, projectId, q, split.hours) : Promise.resolve([]),
    ...split.edges.map((edge) => rawRows(db, dialect, projectId, q, edge)),
  ]);
  const rows = parts.flat();
  const groups = new Map<string, { t: Record<string, number>; hist: [number, number][] }>();
  for (const r of rows) {
    const k = q.groupBy === 'hour' ? new Date(num(r.k) * HOUR).toISOString() : String(r.k ?? '(none)');
    const g = groups.get(k) ?? { t: {}, hist: [] };
    for (const f of ['n', 'errors', 'cost', 'costed', 'okOut', 'okCounted', 'tokens'])
      g.t[f] = (g.t[f] ?? 0) + num((r as Record<string, unknown>)[f]);
    if (r.bin !== null && r.bin !== undefined) g.hist.push([num(r.bin), num(r.n)]);
    groups.set(k, g);
  }
  const out: OpsMetricsGroup[] = [...groups.entries()].map(([k, { t, hist }]) => {
    const n = t.n ?? 0;
    const errors = t.errors ?? 0;
    const succeeded = n - errors;
    return {
      key: k,
      queries: n,
      errors,
      errorRate: n ? errors / n : null,
      latencyP50Ms: histogramQuantile(hist, 0.5),
      latencyP95Ms: histogramQuantile(hist, 0.95),
      latencyP99Ms: histogramQuantile(hist, 0.99),
      costUsd: t.cost ?? 0,
      costPerQuery: t.costed ? (t.cost ?? 0) / t.costed : null,
      outputTokensPerAnswer: t.okCounted ? (t.okOut ?? 0) / t.okCounted : null,
      tokensPerSuccessfulAnswer: succeeded ? (t.tokens ?? 0) / succeeded : null,
    };
  });
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    groupBy: q.groupBy,
    fromMs: q.fromMs,
    toMs: q.toMs,
    ...(q.model ? { model: q.model } : {}),
    ...(q.segment ? { segment: q.segment } : {}),
    ...(q.promptVersion ? { promptVersion: q.promptVersion } : {}),
    groups: out,
  };
}
