import { spearmanInterval } from '../stats/correlation-interval.js';
import { allTied } from '../stats/descriptive.js';
import type { MonitorAlert } from './alert.js';
import { round } from './drift-test.js';

/** One period (a day, a week): the offline metric of that period's runs and the online metric of its traffic. */
export interface CorrelationPoint {
  /** Start of the period, ISO. */
  period: string;
  /** End of the period, ISO (default: the start). */
  end?: string;
  offline: number;
  online: number;
  segment?: string;
}

export interface CorrelationOptions {
  /** Points (periods) each correlation is computed over (the config's `periods`, default 8). */
  periods: number;
  /** Alert when rho falls under this (default 0.7). */
  alertBelow: number;
  seed?: number;
}

export interface CorrelationWindow {
  segment?: string;
  from: string;
  to: string;
  n: number;
  rho: number | null;
  lo: number | null;
  hi: number | null;
  alert: boolean;
  message: string;
}

function window(points: CorrelationPoint[], opts: CorrelationOptions, segment?: string): CorrelationWindow {
  const from = points[0]!.period;
  const last = points[points.length - 1]!;
  const to = last.end ?? last.period;
  const base = { ...(segment ? { segment } : {}), from, to, n: points.length };
  const x = points.map((p) => p.offline);
  const y = points.map((p) => p.online);
  if (allTied(x) || allTied(y)) {
    return {
      ...base,
      rho: null,
      lo: null,
      hi: null,
      alert: false,
      message: 'a metric is constant: no correlation',
    };
  }
  const r = spearmanInterval(x, y, { iterations: 2000, seed: opts.seed ?? 0 });
  const alert = r.estimate < opts.alertBelow;
  const where = segment ? ` in ${segment}` : '';
  return {
    ...base,
    rho: r.estimate,
    lo: r.lo,
    hi: r.hi,
    alert,
    message: `offline↔online Spearman rho ${round(r.estimate, 2)} [${round(r.lo, 2)}, ${round(r.hi, 2)}] over ${points.length} periods${where}${alert ? `, under ${opts.alertBelow}: the offline metric no longer predicts the online one` : ''}`,
  };
}

/**
 * The offline↔online correlation, rolling: for each period from the `periods`-th on, Spearman's rho
 * (with a bootstrap interval) over the last `periods` points, per segment when the points carry one.
 * A window whose rho is under `alertBelow` is an alert. Fewer points than `periods`: nothing yet.
 *
 * @example
 * rollingCorrelation(points, { periods: 8, alertBelow: 0.7 }).filter((w) => w.alert)
 */
export function rollingCorrelation(
  points: readonly CorrelationPoint[],
  opts: CorrelationOptions,
): CorrelationWindow[] {
  const bySegment = new Map<string | undefined, CorrelationPoint[]>();
  for (const p of [...points].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0))) {
    const list = bySegment.get(p.segment);
    if (list) list.push(p);
    else bySegment.set(p.segment, [p]);
  }
  const out: CorrelationWindow[] = [];
  for (const [segment, list] of bySegment) {
    for (let end = opts.periods; end <= list.length; end++) {
      out.push(window(list.slice(end - opts.periods, end), opts, segment));
    }
  }
  return out;
}

/** Correlation windows that alert, as alerts (`kind: 'correlation'`). */
export function correlationAlerts(windows: readonly CorrelationWindow[]): MonitorAlert[] {
  return windows
    .filter((w) => w.alert && w.rho !== null)
    .map((w) => ({
      kind: 'correlation',
      window: { from: w.from, to: w.to },
      ...(w.segment ? { segment: w.segment } : {}),
      statistic: w.rho!,
      message: w.message,
    }));
}

export interface PredictorRow {
  /** The offline evaluator (or run metric). */
  offline: string;
  n: number;
  rho: number | null;
  lo: number | null;
  hi: number | null;
}

/**
 * Which offline evaluators best predict online satisfaction: for each, Spearman's rho (with a
 * bootstrap interval) between its per-period mean and the online metric over the periods both have,
 * best first; evaluators with fewer than 3 shared periods or a constant series have rho null, last.
 */
export function predictorTable(
  offline: Record<string, { period: string; value: number }[]>,
  online: readonly { period: string; value: number }[],
  seed = 0,
): PredictorRow[] {
  const onlineBy = new Map(online.map((p) => [p.period, p.value]));
  const rows = Object.entries(offline).map(([name, series]): PredictorRow => {
    const pairs = series.filter((p) => onlineBy.has(p.period));
    const x = pairs.map((p) => p.value);
    const y = pairs.map((p) => onlineBy.get(p.period)!);
    if (pairs.length < 3 || allTied(x) || allTied(y)) {
      return { offline: name, n: pairs.length, rho: null, lo: null, hi: null };
    }
    const r = spearmanInterval(x, y, { seed });
    return { offline: name, n: pairs.length, rho: r.estimate, lo: r.lo, hi: r.hi };
  });
  return rows.sort((a, b) => (b.rho ?? Number.NEGATIVE_INFINITY) - (a.rho ?? Number.NEGATIVE_INFINITY));
}
