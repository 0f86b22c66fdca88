import type { MonitorConfig } from '../config/monitor.js';
import type { ModelCaller } from '../core/model-call.js';
import type { RunRecord } from '../core/run.js';
import type { SourcedItem } from '../review/sourced.js';
import type { MonitorAlert } from './alert.js';
import { JudgeBudget } from './budget.js';
import {
  type CorrelationPoint,
  type CorrelationWindow,
  correlationAlerts,
  type PredictorRow,
  predictorTable,
  rollingCorrelation,
} from './correlation.js';
import { detectDrift, type WindowReport } from './detect.js';
import type { OnlineScores } from './from-store.js';
import { type OnlineEvaluator, scoreSampled } from './online-eval.js';
import { reviewSample } from './review-sampling.js';
import { estimate, type SegmentSampling, sampleWindow, type WeightedEstimate } from './sampling.js';
import { isNegativeFeedback, isPositiveFeedback, type MonitoredTrace } from './traffic.js';

export interface MonitorRunOptions {
  config: MonitorConfig;
  /** Windows of `window` ms (default the config's) from `from` to `to`, epoch ms. */
  from: number;
  to: number;
  window?: number;
  /** The project's traffic that started in [fromMs, toMs). */
  traffic(fromMs: number, toMs: number): Promise<MonitoredTrace[]>;
  embed?: (texts: string[]) => Promise<ArrayLike<number>[]>;
  evaluators?: OnlineEvaluator[];
  models?: ModelCaller;
  budget?: JudgeBudget;
  /** Stored offline runs, for the offline↔online correlation. */
  runs?: RunRecord[];
  now?: () => number;
  /**
   * EWMA weight of the mean charts with a fixed reference (default 0.2, one chart over the range).
   * 1 tests each window on its own, the same whatever range it is computed in: how the server
   * computes the windows it stores (`drift-windows.ts`).
   */
  lambda?: number;
}

export interface MonitorWindow extends WindowReport {
  sampling?: SegmentSampling[];
  online?: {
    sampled: number;
    deferred: number;
    judgeCalls: number;
    errors: number;
    /** Per evaluator: mean over the sample and reweighted to the whole traffic. */
    scores: Record<string, WeightedEstimate>;
  };
}

export interface MonitorReport {
  windows: MonitorWindow[];
  correlation: CorrelationWindow[];
  alerts: MonitorAlert[];
  /** Which offline evaluators (and the pass rate) best predict the online metric, best first. */
  predictors: PredictorRow[];
  /** Scores of the traces scored in full in this pass, for the caller to store (`writeOnlineScores`). */
  newScores: OnlineScores[];
  /** With a `review:` rule: the traces sampled for human review, for the caller to add (`feedReviewQueue`). */
  review: SourcedItem[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One pass of the monitor over [from, to): per window, the stratified sample scored by the online
 * evaluators (judges within the budget, the rest deferred), drift of inputs, outputs and metrics
 * against the reference, and the offline↔online correlation; every alert found. The same function
 * serves `assay monitor run --once` and the worker inside `assay serve`; it writes nothing (the
 * caller records alerts and scores).
 */
export async function runMonitor(opts: MonitorRunOptions): Promise<MonitorReport> {
  const { config } = opts;
  const w = opts.window ?? config.drift.window;
  const ref = config.drift.reference;
  const { loadFrom, loadTo } = trafficRange(config, opts.from, opts.to, w);
  const traffic = await opts.traffic(loadFrom, loadTo);
  const alerts: MonitorAlert[] = [];
  const online = new Map<string, MonitorWindow['online'] & { sampling: SegmentSampling[] }>();
  const newScores: OnlineScores[] = [];
  if (opts.evaluators?.length && opts.models) {
    const budget = opts.budget ?? new JudgeBudget(config.budget);
    const byId = new Map(traffic.map((t) => [t.id, t]));
    for (let s = loadFrom; s < loadTo; s += w) {
      const inWindow = traffic.filter((t) => t.timestamp >= s && t.timestamp < s + w);
      if (inWindow.length === 0) continue;
      const sample = sampleWindow(inWindow, { segments: config.segments, ...config.sampling });
      // Traces scored by an earlier pass keep their stored scores (and cost no judge call again).
      const toScore = sample.sampled.map((x) => byId.get(x.traceId)!).filter((t) => !t.scoredOnline);
      const scoring = await scoreSampled(toScore, opts.evaluators, {
        budget,
        models: opts.models,
        ...(opts.now ? { now: opts.now } : {}),
      });
      const values = new Map<string, Map<string, number | null>>();
      const deferred = new Set(scoring.deferred);
      for (const { traceId, scores } of scoring.scored) {
        const spanId = byId.get(traceId)!.spanId;
        if (!deferred.has(traceId) && spanId) newScores.push({ traceId, spanId, scores });
      }
      for (const t of sample.sampled.map((x) => byId.get(x.traceId)!).filter((x) => x.scoredOnline)) {
        for (const [name, v] of Object.entries(t.scores ?? {})) {
          if (!values.has(name)) values.set(name, new Map());
          values.get(name)!.set(t.id, v);
        }
      }
      for (const { traceId, scores } of scoring.scored) {
        const trace = byId.get(traceId)!;
        trace.scores = { ...trace.scores };
        for (const sc of scores) {
          trace.scores[sc.evaluator] = sc.value;
          if (!values.has(sc.evaluator)) values.set(sc.evaluator, new Map());
          values.get(sc.evaluator)!.set(traceId, sc.value);
        }
      }
      const scores = Object.fromEntries(
        [...values].map(([name, v]) => [name, estimate(sample.sampled, (id) => v.get(id) ?? null)]),
      );
      online.set(iso(s), {
        sampling: sample.segments,
        sampled: sample.sampled.length,
        deferred: scoring.deferred.length,
        judgeCalls: scoring.judgeCalls,
        errors: scoring.errors,
        scores,
      });
      if (scoring.deferred.length > 0 && s >= opts.from) {
        alerts.push({
          kind: 'budget',
          window: { from: iso(s), to: iso(Math.min(s + w, loadTo)) },
          statistic: scoring.deferred.length,
          message: `judge budget reached: ${scoring.deferred.length} of ${sample.sampled.length} sampled traces deferred (${scoring.judgeCalls} judge calls made)`,
        });
      }
    }
  }
  const drift = await detectDrift(traffic, {
    from: opts.from,
    to: opts.to,
    window: w,
    reference: ref,
    inputs: config.drift.inputs,
    outputs: config.drift.outputs,
    metrics: config.drift.metrics,
    ...(config.drift.bySegment ? { segments: config.segments } : {}),
    historyFrom: loadFrom,
    ...(opts.embed ? { embed: opts.embed } : {}),
    ...(opts.lambda ? { lambda: opts.lambda } : {}),
  });
  const windows: MonitorWindow[] = drift.windows.map((win) => {
    const o = online.get(win.from);
    if (!o) return win;
    const { sampling, ...rest } = o;
    return { ...win, sampling, online: rest };
  });
  alerts.push(...drift.alerts);
  const {
    correlation,
    predictors,
    alerts: correlated,
  } = monitorCorrelation(config, traffic, opts.runs, opts.from, opts.to, w);
  alerts.push(...correlated);
  alerts.sort((a, b) => (a.window.from < b.window.from ? -1 : a.window.from > b.window.from ? 1 : 0));
  const review = config.review
    ? reviewSample(traffic, config.review, {
        seed: config.sampling.seed,
        from: opts.from,
        to: opts.to,
        window: w,
      })
    : [];
  return { windows, correlation, alerts, predictors, newScores, review };
}

/** The traffic a pass over [from, to) reads: the range, its reference and its rolling history. */
export function trafficRange(
  config: MonitorConfig,
  from: number,
  to: number,
  w: number,
): { loadFrom: number; loadTo: number } {
  const ref = config.drift.reference;
  if ('from' in ref)
    return { loadFrom: Math.min(from, Date.parse(ref.from)), loadTo: Math.max(to, Date.parse(ref.to)) };
  if ('previous-windows' in ref) return { loadFrom: from - ref['previous-windows'] * w, loadTo: to };
  return { loadFrom: from, loadTo: to };
}

/**
 * The offline↔online correlation of [from, to) and its alerts, and the predictor table, from the
 * traffic of `trafficRange` and the stored runs; empty without a `correlation:` setting or runs.
 */
export function monitorCorrelation(
  config: MonitorConfig,
  traffic: readonly MonitoredTrace[],
  runs: readonly RunRecord[] | undefined,
  from: number,
  to: number,
  w: number,
): { correlation: CorrelationWindow[]; predictors: PredictorRow[]; alerts: MonitorAlert[] } {
  if (!config.correlation || !runs) return { correlation: [], predictors: [], alerts: [] };
  const { loadFrom, loadTo } = trafficRange(config, from, to, w);
  const points = correlationPoints(traffic, runs, config.correlation, loadFrom, loadTo, w);
  const correlation = rollingCorrelation(points, config.correlation).filter((c) => c.to > iso(from));
  return {
    correlation,
    alerts: correlationAlerts(correlation),
    predictors: predictors_(traffic, runs, config.correlation.online, loadFrom, loadTo, w),
  };
}

/** The online metric of a set of traces: a feedback rate or the mean of a stored score. */
export function onlineMetric(name: string, traces: readonly MonitoredTrace[]): number | null {
  if (name === 'thumbs-up-rate' || name === 'thumbs-down-rate') {
    const rated = traces.filter((t) => t.feedback?.length);
    if (rated.length === 0) return null;
    const hit = rated.filter((t) =>
      t.feedback!.some(name === 'thumbs-up-rate' ? isPositiveFeedback : isNegativeFeedback),
    );
    return hit.length / rated.length;
  }
  const v = traces.flatMap((t) => {
    const s = name === 'online-score' ? Object.values(t.scores ?? {}) : [t.scores?.[name]];
    return s.filter((x): x is number => typeof x === 'number');
  });
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/** The offline metric of a run: its pass rate, or an evaluator's mean score. */
export function offlineMetric(name: string, run: RunRecord): number | null {
  if (!run.summary) return null;
  if (name === 'pass-rate') return run.summary.passRate;
  return run.summary.byEvaluator[name]?.meanScore ?? null;
}

function correlationPoints(
  traffic: readonly MonitoredTrace[],
  runs: readonly RunRecord[],
  c: NonNullable<MonitorConfig['correlation']>,
  from: number,
  to: number,
  w: number,
): CorrelationPoint[] {
  const points: CorrelationPoint[] = [];
  for (let s = from; s < to; s += w) {
    const inRuns = runs.filter((r) => {
      const t = Date.parse(r.createdAt);
      return t >= s && t < s + w;
    });
    const off = inRuns.map((r) => offlineMetric(c.offline, r)).filter((v): v is number => v !== null);
    const on = onlineMetric(
      c.online,
      traffic.filter((t) => t.timestamp >= s && t.timestamp < s + w),
    );
    if (off.length && on !== null) {
      points.push({
        period: iso(s),
        end: iso(s + w),
        offline: off.reduce((a, b) => a + b, 0) / off.length,
        online: on,
      });
    }
  }
  return points;
}

/** Per period, each offline evaluator's mean (and the pass rate) against the online metric. */
function predictors_(
  traffic: readonly MonitoredTrace[],
  runs: readonly RunRecord[],
  onlineName: string,
  from: number,
  to: number,
  w: number,
): PredictorRow[] {
  const names = new Set<string>(['pass-rate']);
  for (const r of runs) for (const k of Object.keys(r.summary?.byEvaluator ?? {})) names.add(k);
  const offline: Record<string, { period: string; value: number }[]> = {};
  const online: { period: string; value: number }[] = [];
  for (let s = from; s < to; s += w) {
    const period = iso(s);
    const inRuns = runs.filter((r) => {
      const t = Date.parse(r.createdAt);
      return t >= s && t < s + w;
    });
    const on = onlineMetric(
      onlineName,
      traffic.filter((t) => t.timestamp >= s && t.timestamp < s + w),
    );
    if (on !== null) online.push({ period, value: on });
    for (const name of names) {
      const v = inRuns.map((r) => offlineMetric(name, r)).filter((x): x is number => x !== null);
      if (!v.length) continue;
      offline[name] ??= [];
      offline[name].push({ period, value: v.reduce((a, b) => a + b, 0) / v.length });
    }
  }
  return predictorTable(offline, online);
}
