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
  /** Alert when rho is credibly under this (default 0.7). */
  alertBelow: number;
}

/**
 * What a window's interval says about the threshold: `below` (the whole 95% interval is under it: an
 * alert), `above` (the whole interval is at or over it), `undecided` (the interval straddles it), or
 * `insufficient data` (fewer than MIN_CORRELATION_PERIODS points, or a metric that does not vary).
 */
export type CorrelationVerdict = 'below' | 'above' | 'undecided' | 'insufficient data';

/**
 * Fewer periods than this give no verdict. Below it a Spearman rho must be about -0.6 (5 periods)
 * or lower for its interval to clear 0.7: a window without an alert would read as "fine" when it
 * only means "too few points to tell".
 */
export const MIN_CORRELATION_PERIODS = 8;

export interface CorrelationWindow {
  segment?: string;
  from: string;
  to: string;
  n: number;
  rho: number | null;
  /** 95% interval of rho by Fisher's z (Bonett–Wright standard error). */
  lo: number | null;
  hi: number | null;
  /** The threshold it was judged against (`alertBelow`). */
  threshold: number;
  verdict: CorrelationVerdict;
  /** True when the verdict is `below`. */
  alert: boolean;
  message: string;
}

const r2 = (v: number) => round(v, 2);

function window(points: CorrelationPoint[], opts: CorrelationOptions, segment?: string): CorrelationWindow {
  const from = points[0]!.period;
  const last = points[points.length - 1]!;
  const to = last.end ?? last.period;
  const n = points.length;
  const where = segment ? ` in ${segment}` : '';
  const base = { ...(segment ? { segment } : {}), from, to, n, threshold: opts.alertBelow };
  const x = points.map((p) => p.offline);
  const y = points.map((p) => p.online);
  const constant = allTied(x) ? 'offline' : allTied(y) ? 'online' : undefined;
  if (constant) {
    return {
      ...base,
      rho: null,
      lo: null,
      hi: null,
      verdict: 'insufficient data',
      alert: false,
      message: `insufficient data: the ${constant} metric is constant over ${n} periods${where}, so no correlation`,
    };
  }
  const r = spearmanInterval(x, y);
  const figures = `offline↔online Spearman rho ${r2(r.estimate)} [${r2(r.lo)}, ${r2(r.hi)}] over ${n} periods${where}`;
  const verdict: CorrelationVerdict =
    n < MIN_CORRELATION_PERIODS
      ? 'insufficient data'
      : r.hi < opts.alertBelow
        ? 'below'
        : r.lo >= opts.alertBelow
          ? 'above'
          : 'undecided';
  const says: Record<CorrelationVerdict, string> = {
    below: `, credibly under ${opts.alertBelow}: the offline metric no longer predicts the online one`,
    above: `, credibly at or over ${opts.alertBelow}`,
    undecided: `: the interval straddles ${opts.alertBelow}, no verdict yet`,
    'insufficient data': `: insufficient data (fewer than ${MIN_CORRELATION_PERIODS} periods)`,
  };
  return {
    ...base,
    rho: r.estimate,
    lo: r.lo,
    hi: r.hi,
    verdict,
    alert: verdict === 'below',
    message: figures + says[verdict],
  };
}

/**
 * The offline↔online correlation, rolling: for each period from the `periods`-th on, Spearman's rho
 * with its 95% interval over the last `periods` points, per segment when the points carry one. A
 * window alerts only when the interval's upper bound is under `alertBelow` — the correlation is
 * credibly below it — so when the true correlation is at or over the threshold a window alerts with
 * probability at most 2.5% (docs/statistics.md). Fewer points than `periods`: nothing yet.
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

/** Correlation windows that alert, as alerts (`kind: 'correlation'`, `statistic` rho). */
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
 * Which offline evaluators best predict online satisfaction: for each, Spearman's rho (with its
 * Fisher-z interval) between its per-period mean and the online metric over the periods both have,
 * best first; evaluators with fewer than 3 shared periods or a constant series have rho null, last.
 */
export function predictorTable(
  offline: Record<string, { period: string; value: number }[]>,
  online: readonly { period: string; value: number }[],
): PredictorRow[] {
  const onlineBy = new Map(online.map((p) => [p.period, p.value]));
  const rows = Object.entries(offline).map(([name, series]): PredictorRow => {
    const pairs = series.filter((p) => onlineBy.has(p.period));
    const x = pairs.map((p) => p.value);
    const y = pairs.map((p) => onlineBy.get(p.period)!);
    if (pairs.length < 3 || allTied(x) || allTied(y)) {
      return { offline: name, n: pairs.length, rho: null, lo: null, hi: null };
    }
    const r = spearmanInterval(x, y);
    return { offline: name, n: pairs.length, rho: r.estimate, lo: r.lo, hi: r.hi };
  });
  return rows.sort((a, b) => (b.rho ?? Number.NEGATIVE_INFINITY) - (a.rho ?? Number.NEGATIVE_INFINITY));
}
