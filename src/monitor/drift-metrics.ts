import type { MetricDriftName } from '../config/monitor.js';
import { ewmaChart } from '../stats/control-chart.js';
import { percentile } from '../stats/descriptive.js';
import { fisherExact } from '../stats/fisher.js';
import { type DriftTest, round } from './drift-test.js';
import { isNegativeFeedback, type MonitoredTrace } from './traffic.js';

/** Metrics that are shares (0/1 per trace): their in-control sd is sqrt(p (1 - p)). */
const BINARY = new Set<MetricDriftName>(['thumbs-down-rate', 'rephrase-rate', 'error-rate', 'latency-p95']);

/**
 * The per-trace value behind a metric, or null when the trace says nothing about it. Latency is
 * watched through its tail: the share of traces slower than the reference's p95 (5% in control), a
 * Bernoulli value whose chart is exact, unlike a chart of per-window p95s.
 */
export function metricValue(
  name: MetricDriftName,
  t: MonitoredTrace,
  latencyP95 = Number.POSITIVE_INFINITY,
): number | null {
  switch (name) {
    case 'online-score': {
      const v = Object.values(t.scores ?? {}).filter((s): s is number => typeof s === 'number');
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
    }
    case 'thumbs-down-rate':
      return t.feedback?.length ? (t.feedback.some(isNegativeFeedback) ? 1 : 0) : null;
    case 'rephrase-rate':
      return t.signals?.includes('rephrase') ? 1 : 0;
    case 'error-rate':
      return t.error ? 1 : 0;
    case 'cost-per-query':
      return typeof t.costUsd === 'number' ? t.costUsd : null;
    case 'latency-p95':
      return typeof t.latencyMs === 'number' ? (t.latencyMs > latencyP95 ? 1 : 0) : null;
  }
}

function values(name: MetricDriftName, traces: readonly MonitoredTrace[], p95: number): number[] {
  const out: number[] = [];
  for (const t of traces) {
    const v = metricValue(name, t, p95);
    if (v !== null && Number.isFinite(v)) out.push(v);
  }
  return out;
}

function meanSd(v: number[]): { mean: number; sd: number } {
  const n = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  const sd = Math.sqrt(ss / Math.max(1, n - 1));
  return { mean, sd: sd > 0 ? sd : Math.max(1e-9, Math.abs(mean) * 1e-3) };
}

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);

export interface MetricWindow {
  traces: readonly MonitoredTrace[];
}

/** Fewer reference observations than this, and a metric is not charted. */
export const MIN_REFERENCE = 20;

/**
 * Metric drift: a control chart per metric (`ewmaChart`) of the windows' means against the reference.
 * Means (online score, cost) get an EWMA chart (lambda 0.2 by default); shares (thumbs-down,
 * rephrase, error rates, the latency tail) a p-chart with exact limits: Fisher's exact test of each
 * window against the reference, which also carries the reference's own uncertainty. With a handful
 * of events per window the normal approximation of an EWMA of shares was far too liberal (16 to 28
 * of 100 stationary windows alarmed at a 1% error rate, for one seed).
 * One point (and one p-value) per window; with a rolling reference each window is its own chart
 * against its previous windows. Returns, per window, the tests of that window.
 */
export function metricDrift(
  reference: readonly MonitoredTrace[],
  windows: readonly MetricWindow[],
  names: readonly MetricDriftName[],
  opts: { lambda?: number } = {},
): DriftTest[][] {
  const out: DriftTest[][] = windows.map(() => []);
  const latencies = reference.flatMap((t) => (typeof t.latencyMs === 'number' ? [t.latencyMs] : []));
  const p95 = latencies.length ? percentile(latencies, 95) : Number.POSITIVE_INFINITY;
  for (const name of names) {
    const ref = values(name, reference, p95);
    if (ref.length < MIN_REFERENCE) continue;
    const binary = BINARY.has(name);
    const mean = sum(ref) / ref.length;
    const cur = windows.map((w) => values(name, w.traces, p95));
    const k = sum(ref);
    // Shares: Fisher's exact test of the window against the reference (the p-chart with exact limits).
    const chart = binary
      ? cur.map((v) => {
          const c = sum(v);
          const odds = (c + 0.5) / (v.length - c + 0.5) / ((k + 0.5) / (ref.length - k + 0.5));
          return { z: Math.log(odds), p: v.length ? fisherExact(c, v.length - c, k, ref.length - k) : 1 };
        })
      : ewmaChart(
          { ...meanSd(ref), n: ref.length },
          cur.map((v) => ({ mean: v.length ? sum(v) / v.length : 0, n: v.length })),
          opts,
        );
    chart.forEach((point, i) => {
      const v = cur[i]!;
      if (v.length === 0) return;
      const m = sum(v) / v.length;
      const shown = (x: number) => (binary ? `${round(100 * x, 1)}%` : `${round(x, 4)}`);
      const what =
        name === 'latency-p95' ? `traces slower than the reference p95 (${round(p95, 0)} ms)` : name;
      out[i]!.push({
        kind: `drift.metric.${name}`,
        test: binary ? 'fisher' : 'ewma',
        statistic: point.z,
        p: point.p,
        effect: m - mean,
        effectName: 'difference',
        message: `${what}: ${shown(mean)} → ${shown(m)} (${binary ? `Fisher, log odds ratio ${round(point.z, 2)}` : `EWMA z=${round(point.z, 2)}`}, p=${round(point.p, 4)})`,
        details: {
          reference: { mean, n: ref.length },
          current: {
            mean: m,
            n: v.length,
            ...(name === 'latency-p95' ? { p95: percentile(latencyOf(windows[i]!.traces), 95) } : {}),
          },
        },
      });
    });
  }
  return out;
}

function latencyOf(traces: readonly MonitoredTrace[]): number[] {
  const v = traces.flatMap((t) => (typeof t.latencyMs === 'number' ? [t.latencyMs] : []));
  return v.length ? v : [0];
}
