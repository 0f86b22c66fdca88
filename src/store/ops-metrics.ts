import { type Kysely, sql } from 'kysely';
import type { OpsMetrics, OpsMetricsGroup, OpsMetricsQuery } from '../core/ops-metrics.js';
import { histogramQuantile } from '../core/traffic-series.js';
import type { Dialect } from './migrations.js';
import type { Database } from './schema.js';
import { latencyBin } from './traffic-series.js';

const num = (x: unknown) => (x === null || x === undefined ? 0 : Number(x));
const HOUR = 3_600_000;

/**
 * Latency p50/p95/p99, error rate, cost per query and token efficiency of a project's LLM spans
 * (spans with a model) in a window, per model, segment or hour: one GROUP BY over the time index,
 * percentiles from a log histogram (as `trafficSeries` does) rather than a sort.
 */
export async function opsMetrics(
  db: Kysely<Database>,
  dialect: Dialect,
  projectId: string,
  q: OpsMetricsQuery,
): Promise<OpsMetrics> {
  const key =
    q.groupBy === 'model'
      ? sql<string>`s.model`
      : q.groupBy === 'segment'
        ? sql<string>`coalesce(s.segment, '(none)')`
        : q.groupBy === 'promptVersion'
          ? sql<string>`coalesce(s.prompt_version, '(none)')`
          : sql<string>`cast(floor(s.start_ms / ${HOUR}) as bigint)`;
  const ok = sql`s.status <> 'error'`;
  const rows = await db
    .selectFrom('spans as s')
    .where('s.project_id', '=', projectId)
    .where('s.start_ms', '>=', q.fromMs)
    .where('s.start_ms', '<', q.toMs)
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
