import type { MetricDriftName } from '../config/monitor.js';
import { metricValue } from './drift-metrics.js';
import type { DriftTest } from './drift-test.js';
import type { OutputFeatures } from './output-features.js';
import { traceDraw } from './sampling.js';
import type { MonitoredTrace } from './traffic.js';

/** One trace of a window that shows what a drift test measured, linked by its id. */
export interface DriftExample {
  traceId: string;
  /** The user's input, cut to `EXAMPLE_CHARS` (the trace has it whole). */
  input: string;
  output: string;
}

/** Examples kept per test and window. */
export const EXAMPLES_PER_TEST = 3;
/** Characters of an input or output kept in an example. */
export const EXAMPLE_CHARS = 240;

/** Metrics whose per-trace value is 0 or 1. */
const SHARES = new Set<MetricDriftName>(['thumbs-down-rate', 'rephrase-rate', 'error-rate']);

const clip = (s: string) => (s.length > EXAMPLE_CHARS ? `${s.slice(0, EXAMPLE_CHARS - 1)}…` : s);

/** The category of an answer that a categorical output test counts. */
function category(kind: string, f: OutputFeatures): string | undefined {
  if (kind === 'drift.outputs.refusal') return String(f.refusal);
  if (kind === 'drift.outputs.json-valid') return String(f.jsonValid);
  if (kind === 'drift.outputs.language') return f.language;
  return undefined;
}

/** The category whose share grew most from the reference to the window. */
function grownCategory(details: Record<string, unknown> | undefined): string | undefined {
  const ref = (details?.reference ?? {}) as Record<string, number>;
  const cur = (details?.current ?? {}) as Record<string, number>;
  let best: string | undefined;
  let gain = Number.NEGATIVE_INFINITY;
  for (const [k, v] of Object.entries(cur)) {
    const g = v - (ref[k] ?? 0);
    if (g > gain) [best, gain] = [k, g];
  }
  return best;
}

/**
 * The traces of a window that show a drift test's change, so an alert links to real traffic: for a
 * categorical output test, answers of the category that grew (refusals when the refusal rate rose);
 * for answer length, the longest answers when the median grew (the shortest when it fell); for a
 * metric, the traces furthest in the direction it moved (thumbs-down, errors, the slowest or most
 * expensive calls, the lowest online scores). Ties are broken by the trace's sampling draw, so the
 * examples spread over the window and are the same on every pass. Input drift has its own examples
 * (per cluster, in `details.clusters`).
 */
export function driftExamples(
  test: DriftTest,
  traces: readonly MonitoredTrace[],
  featuresOf: (t: MonitoredTrace) => OutputFeatures,
): DriftExample[] {
  let key: ((t: MonitoredTrace) => number | null) | undefined;
  if (test.kind === 'drift.outputs.length') {
    const d = test.details as { reference?: { median: number }; current?: { median: number } } | undefined;
    const longer = (d?.current?.median ?? 0) >= (d?.reference?.median ?? 0);
    key = (t) => (longer ? 1 : -1) * featuresOf(t).length;
  } else if (test.kind.startsWith('drift.outputs.')) {
    const grown = grownCategory(test.details);
    key = (t) => (category(test.kind, featuresOf(t)) === grown ? 1 : null);
  } else if (test.kind.startsWith('drift.metric.')) {
    const name = test.kind.slice('drift.metric.'.length) as MetricDriftName;
    const sign = (test.effect ?? 0) >= 0 ? 1 : -1;
    const share = SHARES.has(name);
    key = (t) => {
      const v = name === 'latency-p95' ? (t.latencyMs ?? null) : metricValue(name, t);
      if (v === null || !Number.isFinite(v)) return null;
      // A share's examples are the traces counted in the direction it moved (the thumbs-down when it rose).
      if (share && v !== (sign > 0 ? 1 : 0)) return null;
      return sign * v;
    };
  }
  if (!key) return [];
  const score = key;
  return traces
    .flatMap((t) => {
      const v = score(t);
      return v === null ? [] : [{ t, v, d: traceDraw(t.id, 0) }];
    })
    .sort((a, b) => b.v - a.v || a.d - b.d)
    .slice(0, EXAMPLES_PER_TEST)
    .map(({ t }) => ({ traceId: t.id, input: clip(t.input), output: clip(t.output || t.error || '') }));
}
