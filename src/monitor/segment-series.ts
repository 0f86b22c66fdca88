import { findRefusal } from '../evaluators/safety/refusal.js';
import { percentile } from '../stats/descriptive.js';
import { onlineMetric } from './run-monitor.js';
import { type MonitoredTrace, segmentOf } from './traffic.js';

/** One window of one segment: its traffic and the rates the monitor watches (null: nothing to measure). */
export interface SeriesPoint {
  from: string;
  traces: number;
  errorRate: number | null;
  refusalRate: number | null;
  thumbsDownRate: number | null;
  onlineScore: number | null;
  latencyP95: number | null;
}

export interface SegmentSeries {
  /** `all` for the whole traffic, else the segment (`tags.segment=business`). */
  segment: string;
  points: SeriesPoint[];
}

/** Segments beyond this many (by traffic) are folded into `other`, so a chart stays readable. */
export const MAX_SERIES_SEGMENTS = 8;

function point(from: string, list: readonly MonitoredTrace[]): SeriesPoint {
  const share = (f: (t: MonitoredTrace) => boolean) =>
    list.length ? list.filter(f).length / list.length : null;
  const latencies = list.flatMap((t) => (typeof t.latencyMs === 'number' ? [t.latencyMs] : []));
  return {
    from,
    traces: list.length,
    errorRate: share((t) => Boolean(t.error)),
    refusalRate: share((t) => findRefusal(t.output) !== undefined),
    thumbsDownRate: onlineMetric('thumbs-down-rate', list),
    onlineScore: onlineMetric('online-score', list),
    latencyP95: latencies.length ? percentile(latencies, 95) : null,
  };
}

/**
 * Per window, the whole traffic's and each segment's traffic, error, refusal and thumbs-down rates,
 * mean online score and latency p95: the time series of the monitoring report. Segments by the
 * monitor's `segments` dot paths; the biggest MAX_SERIES_SEGMENTS, the rest as `other`.
 */
export function segmentSeries(
  traffic: readonly MonitoredTrace[],
  windows: readonly { from: string; to: string }[],
  segments: readonly string[],
): SegmentSeries[] {
  const bounds = windows.map((w) => [Date.parse(w.from), Date.parse(w.to)] as const);
  const inRange = traffic.filter((t) => bounds.some(([a, b]) => t.timestamp >= a && t.timestamp < b));
  const size = new Map<string, number>();
  for (const t of inRange) {
    const s = segmentOf(t, segments);
    size.set(s, (size.get(s) ?? 0) + 1);
  }
  const kept = new Set(
    [...size]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, MAX_SERIES_SEGMENTS)
      .map(([s]) => s),
  );
  const names = size.size > 1 ? [...kept, ...(size.size > kept.size ? ['other'] : [])] : [];
  const of = (t: MonitoredTrace) => {
    const s = segmentOf(t, segments);
    return kept.has(s) ? s : 'other';
  };
  return ['all', ...names].map((segment) => ({
    segment,
    points: windows.map((w, i) => {
      const [a, b] = bounds[i]!;
      const list = inRange.filter(
        (t) => t.timestamp >= a && t.timestamp < b && (segment === 'all' || of(t) === segment),
      );
      return point(w.from, list);
    }),
  }));
}
