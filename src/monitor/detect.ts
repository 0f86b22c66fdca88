import type { DriftReference, MetricDriftName, OutputDriftName } from '../config/monitor.js';
import { AssayError } from '../core/errors.js';
import { holm } from '../stats/multiple-comparisons.js';
import type { MonitorAlert } from './alert.js';
import { driftExamples } from './drift-examples.js';
import { inputDrift } from './drift-inputs.js';
import { metricDrift } from './drift-metrics.js';
import { outputDrift } from './drift-outputs.js';
import { inSegment, permutationsFor, segmentScopes } from './drift-segments.js';
import type { DriftTest } from './drift-test.js';
import { type OutputFeatures, outputFeatures } from './output-features.js';
import { traceDraw } from './sampling.js';
import type { MonitoredTrace } from './traffic.js';

export interface DriftOptions {
  /** First window starts here (epoch ms); windows of `window` ms until `to`. */
  from: number;
  to: number;
  window: number;
  reference: DriftReference;
  inputs: 'embedding' | 'off';
  outputs: readonly OutputDriftName[];
  metrics: readonly MetricDriftName[];
  /** Unit vectors for texts: the configured embedder's `embed`. Needed when `inputs` is `embedding`. */
  embed?: (texts: string[]) => Promise<ArrayLike<number>[]>;
  /** The reference traffic, for `{ run }` references (the caller turns the run's cases into traces). */
  referenceTraces?: readonly MonitoredTrace[];
  /** Traffic before this is not available (default `from`): a rolling reference reaching before it is still warming up. */
  historyFrom?: number;
  /**
   * Family-wise error rate per window, over all its tests (Holm). Default 0.02: at 0.05, 100
   * stationary windows average 5 with an alert but exceed 5 about one time in three; at 0.02 they
   * average 2 and stay at or under 5 in nearly every stretch (docs/monitoring.md has the figures).
   */
  alpha?: number;
  /** EWMA weight of metric charts with a fixed reference. Default 0.2. */
  lambda?: number;
  /** Inputs embedded per window (the lowest trace draws: stable), four times as many for the reference. Default 200. */
  maxInputs?: number;
  permutations?: number;
  /**
   * Also test each segment of a window (these dot paths, the config's `segments`) against the same
   * segment of the reference, when the window holds two or more. Every test of the window, whole
   * traffic and segments, goes into one Holm correction, so the false-alarm rate per window stays
   * at most `alpha`.
   */
  segments?: readonly string[];
  seed?: number;
}

export type WindowStatus = 'tested' | 'reference' | 'warming-up';

export interface WindowReport {
  from: string;
  to: string;
  traces: number;
  status: WindowStatus;
  tests: DriftTest[];
}

export interface DriftResult {
  windows: WindowReport[];
  alerts: MonitorAlert[];
}

/**
 * The reference sample of inputs is this many times a window's. Every window is compared with the
 * same reference sample: when it is no bigger than a window, its own chance oddities make every
 * window look different from it (measured: 6 of 100 stationary windows with p <= 0.004 at 100 vs
 * 100), though each test alone is exact.
 */
const REFERENCE_FACTOR = 4;

export const DEFAULT_ALPHA = 0.02;

const iso = (ms: number) => new Date(ms).toISOString();

function inRange(traces: readonly MonitoredTrace[], from: number, to: number): MonitoredTrace[] {
  return traces.filter((t) => t.timestamp >= from && t.timestamp < to);
}

/**
 * Drift of every window in [from, to) against the configured reference: inputs (MMD on embeddings,
 * with the clusters that moved), outputs (KS / chi-square, PSI) and metrics (EWMA charts); in each
 * window the p-values of all its tests are corrected together with Holm's method, so a window of
 * stationary traffic raises any alert with probability at most `alpha`. A pure function of the
 * traffic it is given (plus the embedder), so it runs the same on live and on backfilled data.
 */
export async function detectDrift(
  traces: readonly MonitoredTrace[],
  opts: DriftOptions,
): Promise<DriftResult> {
  const { window: w } = opts;
  if (!(w > 0) || !(opts.to > opts.from))
    throw new AssayError('input.invalid', 'drift needs from < to and a window > 0');
  if (opts.inputs === 'embedding' && !opts.embed)
    throw new AssayError('input.invalid', 'input drift needs an embedder');
  const seed = opts.seed ?? 0;
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const maxInputs = opts.maxInputs ?? 200;
  const sorted = [...traces].sort((a, b) => a.timestamp - b.timestamp);
  const features = new Map<string, OutputFeatures>();
  const featuresOf = (list: readonly MonitoredTrace[]) =>
    list.map((t) => {
      let f = features.get(t.id);
      if (!f) {
        f = outputFeatures(t.output);
        features.set(t.id, f);
      }
      return f;
    });
  const vectors = new Map<string, number[]>();
  const embedded = async (list: readonly MonitoredTrace[], cap: number) => {
    const chosen = list
      .filter((t) => t.input)
      .map((t) => ({ t, d: traceDraw(t.id, seed) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, cap)
      .map((x) => x.t);
    const missing = chosen.filter((t) => !vectors.has(t.id));
    if (missing.length) {
      const v = await opts.embed!(missing.map((t) => t.input));
      missing.forEach((t, i) => {
        vectors.set(t.id, Array.from(v[i]!));
      });
    }
    return {
      texts: chosen.map((t) => t.input),
      vectors: chosen.map((t) => vectors.get(t.id)!),
      ids: chosen.map((t) => t.id),
    };
  };

  const starts: number[] = [];
  for (let s = opts.from; s < opts.to; s += w) starts.push(s);
  const ref = opts.reference;
  const fixed: readonly MonitoredTrace[] | undefined =
    'run' in ref
      ? (opts.referenceTraces ?? failRun(ref.run))
      : 'from' in ref
        ? inRange(sorted, Date.parse(ref.from), Date.parse(ref.to))
        : undefined;
  const historyFrom = opts.historyFrom ?? opts.from;
  const windows: WindowReport[] = starts.map((s) => {
    const end = Math.min(s + w, opts.to);
    let status: WindowStatus = 'tested';
    if ('from' in ref && s < Date.parse(ref.to) && end > Date.parse(ref.from)) status = 'reference';
    if ('previous-windows' in ref && s - ref['previous-windows'] * w < historyFrom) status = 'warming-up';
    return { from: iso(s), to: iso(end), traces: 0, status, tests: [] };
  });
  const windowTraces = starts.map((s, i) => inRange(sorted, s, Date.parse(windows[i]!.to)));
  windows.forEach((r, i) => {
    r.traces = windowTraces[i]!.length;
  });
  const tested = windows.map((r, i) => ({ r, i })).filter((x) => x.r.status === 'tested');

  // Metric charts: one chart over the tested windows for a fixed reference, a point each for a rolling one.
  if (fixed) {
    const perWindow = metricDrift(
      fixed,
      tested.map((x) => ({ traces: windowTraces[x.i]! })),
      opts.metrics,
      {
        ...(opts.lambda ? { lambda: opts.lambda } : {}),
      },
    );
    tested.forEach((x, k) => {
      x.r.tests.push(...perWindow[k]!);
    });
  }
  const fixedInputs =
    fixed && opts.inputs === 'embedding' ? await embedded(fixed, REFERENCE_FACTOR * maxInputs) : undefined;
  const fixedFeatures = fixed ? featuresOf(fixed) : undefined;
  for (const { r, i } of tested) {
    const cur = windowTraces[i]!;
    let reference = fixed;
    if (!reference) {
      const k = (ref as { 'previous-windows': number })['previous-windows'];
      const s = Date.parse(r.from);
      reference = inRange(sorted, s - k * w, s);
      r.tests.push(...metricDrift(reference, [{ traces: cur }], opts.metrics, { lambda: 1 })[0]!);
    }
    const scopes = opts.segments?.length ? segmentScopes(reference, cur, opts.segments) : [];
    // Per-segment tests multiply the window's tests: permutation and Monte-Carlo p-values need more
    // draws to reach alpha after Holm.
    const count = (1 + opts.outputs.length + opts.metrics.length) * (scopes.length + 1);
    const permutations = scopes.length
      ? permutationsFor(count, alpha, opts.permutations ?? 999)
      : opts.permutations;
    const draws = scopes.length ? permutations : undefined;
    r.tests.push(
      ...outputDrift(fixedFeatures ?? featuresOf(reference), featuresOf(cur), opts.outputs, seed, draws),
    );
    if (opts.inputs === 'embedding') {
      const test = inputDrift(
        fixedInputs ?? (await embedded(reference, REFERENCE_FACTOR * maxInputs)),
        await embedded(cur, maxInputs),
        {
          seed,
          ...(permutations ? { permutations } : {}),
        },
      );
      if (test) r.tests.push(test);
    }
    for (const scope of scopes) {
      const tests = [
        ...metricDrift(scope.reference, [{ traces: scope.current }], opts.metrics, { lambda: 1 })[0]!,
        ...outputDrift(featuresOf(scope.reference), featuresOf(scope.current), opts.outputs, seed, draws),
      ];
      if (opts.inputs === 'embedding') {
        const test = inputDrift(
          await embedded(scope.reference, REFERENCE_FACTOR * maxInputs),
          await embedded(scope.current, maxInputs),
          { seed, permutations },
        );
        if (test) tests.push(test);
      }
      r.tests.push(...tests.map((t) => inSegment(t, scope.segment)));
    }
    const adjusted = holm(r.tests.map((t) => t.p));
    r.tests.forEach((t, j) => {
      t.adjustedP = adjusted[j]!;
      t.alert = adjusted[j]! <= alpha;
      if (t.kind !== 'drift.inputs') {
        const own = t.segment ? scopes.find((x) => x.segment === t.segment)!.current : cur;
        const examples = driftExamples(t, own, (x) => featuresOf([x])[0]!);
        if (examples.length) t.details = { ...t.details, examples };
      }
    });
  }
  return { windows, alerts: driftAlerts(windows) };
}

/** The alerts of tested windows: every test whose Holm-adjusted p is at or under alpha, in order. */
export function driftAlerts(windows: readonly WindowReport[]): MonitorAlert[] {
  const alerts: MonitorAlert[] = [];
  for (const r of windows) {
    for (const t of r.tests) {
      if (!t.alert) continue;
      alerts.push({
        kind: t.kind,
        window: { from: r.from, to: r.to },
        ...(t.segment ? { segment: t.segment } : {}),
        statistic: t.statistic,
        p: t.adjustedP!,
        ...(t.effect === undefined ? {} : { effect: t.effect }),
        message: t.message,
      });
    }
  }
  return alerts;
}

function failRun(run: string): never {
  throw new AssayError(
    'config.invalid',
    `drift.reference.run "${run}": the run's traffic was not given; pass referenceTraces or use { from, to }`,
    { field: 'monitor.drift.reference' },
  );
}
