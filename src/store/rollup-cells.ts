import type { SpanRecord } from '../core/trace.js';
import { LATENCY_BINS_PER_LN } from '../core/traffic-series.js';
import type { Database } from './schema.js';

/**
 * Hourly rollups of production traffic, kept in the same transaction as the traces they sum
 * (docs/design/traffic-rollups.md). Two tables with one shape: `trace_rollup` counts traces (the
 * monitoring page's series) and `call_rollup` counts LLM calls (spans with a model: the ops metrics).
 * A row is one (project, hour, model, segment, prompt version, latency bin): the latency histogram is
 * the rows' bins, so percentiles come from the rollup as they do from the raw rows.
 */
export const HOUR = 3_600_000;

/** The bin of a trace or call that has not ended: no latency (a primary key has no nulls). */
export const NO_BIN = -32768;

/** A null segment or prompt version in a rollup key; in `trace_rollup`, `model = ''` counts every trace once. */
export const NONE = '';

export type RollupTable = 'trace_rollup' | 'call_rollup';

/** The key columns, then the summed columns, of a rollup row. */
export const KEY_COLUMNS = ['project_id', 'hour', 'model', 'segment', 'prompt_version', 'bin'] as const;
export const SUM_COLUMNS: Record<RollupTable, readonly string[]> = {
  trace_rollup: ['n', 'errors', 'cost_usd', 'costed', 'input_tokens', 'output_tokens', 'latency_ms'],
  call_rollup: [
    'n',
    'errors',
    'cost_usd',
    'costed',
    'ok_output_tokens',
    'ok_counted',
    'tokens',
    'latency_ms',
  ],
};

/** The log-histogram bin of a duration, as `latencyBin` computes it in SQL. */
export function binOf(startMs: number, endMs: number | null): number {
  if (endMs === null) return NO_BIN;
  return Math.floor(Math.log(Math.max(endMs - startMs, 0.5)) * LATENCY_BINS_PER_LN);
}

/** A trace as its rollup rows see it: its summary row and the distinct models of its spans. */
export interface TraceState {
  row: Pick<
    Database['traces'],
    | 'project_id'
    | 'start_ms'
    | 'end_ms'
    | 'cost_usd'
    | 'error_count'
    | 'input_tokens'
    | 'output_tokens'
    | 'segment'
    | 'prompt_version'
  >;
  models: Iterable<string>;
}

/** Rollup rows to add, summed per key in memory so a batch writes each row once. */
export class RollupDeltas {
  readonly cells = new Map<string, { table: RollupTable; key: unknown[]; sums: number[] }>();
  /** Whether some row may have dropped to zero (a trace moved out of it) and must be deleted. */
  retracted = false;

  private add(table: RollupTable, key: unknown[], sums: number[], sign: 1 | -1) {
    const id = JSON.stringify([table, key]);
    let cell = this.cells.get(id);
    if (!cell) {
      cell = { table, key, sums: sums.map(() => 0) };
      this.cells.set(id, cell);
    }
    for (let i = 0; i < sums.length; i++) cell.sums[i]! += sign * sums[i]!;
  }

  /** A trace's rows: one under `model = ''` and one per model of its spans. */
  trace(t: TraceState, sign: 1 | -1): void {
    const r = t.row;
    const start = Number(r.start_ms);
    const end = r.end_ms === null ? null : Number(r.end_ms);
    const sums = [
      1,
      Number(r.error_count) > 0 ? 1 : 0,
      r.cost_usd === null ? 0 : Number(r.cost_usd),
      r.cost_usd === null ? 0 : 1,
      Number(r.input_tokens),
      Number(r.output_tokens),
      end === null ? 0 : end - start,
    ];
    const base = [r.project_id, Math.floor(start / HOUR)];
    const rest = [r.segment || NONE, r.prompt_version || NONE, binOf(start, end)];
    this.add('trace_rollup', [...base, NONE, ...rest], sums, sign);
    for (const m of new Set(t.models)) if (m) this.add('trace_rollup', [...base, m, ...rest], sums, sign);
    if (sign < 0) this.retracted = true;
  }

  /** A newly stored LLM call (a span with a model); other spans are not calls. */
  call(s: SpanRecord): void {
    if (s.model === null) return;
    const ok = s.status !== 'error';
    const sums = [
      1,
      ok ? 0 : 1,
      s.costUsd ?? 0,
      s.costUsd === null ? 0 : 1,
      ok ? (s.outputTokens ?? 0) : 0,
      ok && s.outputTokens !== null ? 1 : 0,
      (s.inputTokens ?? 0) + (s.outputTokens ?? 0),
      s.endMs === null ? 0 : s.endMs - s.startMs,
    ];
    const key = [
      s.projectId,
      Math.floor(s.startMs / HOUR),
      s.model,
      s.tags.segment || NONE,
      s.promptVersion || NONE,
      binOf(s.startMs, s.endMs),
    ];
    this.add('call_rollup', key, sums, 1);
  }

  /** The rows to upsert, in key order (so concurrent writers lock rollup rows in one order), as column maps. */
  rows(): { table: RollupTable; values: Record<string, unknown> }[] {
    return [...this.cells.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .filter(([, c]) => c.sums.some((x) => x !== 0))
      .map(([, c]) => {
        const values: Record<string, unknown> = {};
        KEY_COLUMNS.forEach((k, i) => {
          values[k] = c.key[i];
        });
        SUM_COLUMNS[c.table].forEach((k, i) => {
          values[k] = c.sums[i];
        });
        return { table: c.table, values };
      });
  }
}

/** The models of a trace's spans before a batch: those stored, less the batch's own spans. */
export function modelsBefore(stored: { model: string | null; n: number | string }[], inserted: SpanRecord[]) {
  const counts = new Map<string, number>();
  for (const r of stored) if (r.model) counts.set(r.model, Number(r.n));
  for (const s of inserted) if (s.model) counts.set(s.model, (counts.get(s.model) ?? 0) - 1);
  return [...counts].filter(([, n]) => n > 0).map(([m]) => m);
}

/** `n = table.n + excluded.n`, …: how an upsert merges a delta into a rollup row, column by column. */
export function rollupMerge(table: RollupTable): Record<string, string> {
  return Object.fromEntries(SUM_COLUMNS[table].map((c) => [c, `${table}.${c} + excluded.${c}`]));
}

/**
 * How a window splits for the rollups: its whole hours [fromHour, toHour) (none when it holds no
 * whole hour) and the partial edges before and after them, read from the raw rows.
 */
export function splitWindow(fromMs: number, toMs: number) {
  const fromHour = Math.ceil(fromMs / HOUR);
  const toHour = Math.floor(toMs / HOUR);
  if (fromHour >= toHour) return { hours: null, edges: [[fromMs, toMs]] as [number, number][] };
  const edges: [number, number][] = [];
  if (fromMs < fromHour * HOUR) edges.push([fromMs, fromHour * HOUR]);
  if (toHour * HOUR < toMs) edges.push([toHour * HOUR, toMs]);
  return { hours: [fromHour, toHour] as [number, number], edges };
}
