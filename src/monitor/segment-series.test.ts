import { describe, expect, it } from 'vitest';
import { MAX_SERIES_SEGMENTS, segmentSeries } from './segment-series.js';
import type { MonitoredTrace } from './traffic.js';

const T0 = Date.parse('2026-11-01T00:00:00Z');
const H = 3_600_000;
const windows = [0, 1].map((i) => ({
  from: new Date(T0 + i * H).toISOString(),
  to: new Date(T0 + (i + 1) * H).toISOString(),
}));

function trace(
  id: string,
  hour: number,
  segment: string,
  extra: Partial<MonitoredTrace> = {},
): MonitoredTrace {
  return {
    id,
    timestamp: T0 + hour * H + 1000,
    input: 'q',
    output: 'Sure, here it is.',
    tags: { segment },
    ...extra,
  };
}

describe('segmentSeries', () => {
  it('per window, the whole traffic and each segment: traffic, error, refusal and thumbs-down rates, score, p95', () => {
    const traffic = [
      trace('a1', 0, 'a', { error: 'timeout', latencyMs: 100, feedback: [{ value: -1 }] }),
      trace('a2', 0, 'a', { output: "I'm sorry, but I can't help with that request.", latencyMs: 300 }),
      trace('b1', 0, 'b', { scores: { judge: 0.5 }, feedback: [{ value: 1 }] }),
      trace('b2', 1, 'b', { scores: { judge: 1 } }),
      trace('late', 2, 'a'),
    ];
    const [all, a, b] = segmentSeries(traffic, windows, ['tags.segment']);
    expect([all!.segment, a!.segment, b!.segment]).toEqual(['all', 'tags.segment=a', 'tags.segment=b']);
    expect(all!.points.map((p) => p.traces)).toEqual([3, 1]);
    expect(a!.points[0]).toMatchObject({ traces: 2, errorRate: 0.5, refusalRate: 0.5, thumbsDownRate: 1 });
    expect(a!.points[0]!.latencyP95).toBeCloseTo(290);
    expect(a!.points[1]).toMatchObject({
      traces: 0,
      errorRate: null,
      thumbsDownRate: null,
      latencyP95: null,
    });
    expect(b!.points.map((p) => p.onlineScore)).toEqual([0.5, 1]);
    expect(all!.points[0]!.thumbsDownRate).toBe(0.5);
  });

  it('one segment gives only the whole traffic; past the biggest eight, the rest is `other`', () => {
    expect(segmentSeries([trace('x', 0, 'a')], windows, ['tags.segment']).map((s) => s.segment)).toEqual([
      'all',
    ]);
    const many = Array.from({ length: 12 }, (_, i) =>
      Array.from({ length: 12 - i }, (_, k) => trace(`s${i}-${k}`, 0, `s${String(i).padStart(2, '0')}`)),
    ).flat();
    const series = segmentSeries(many, windows, ['tags.segment']);
    expect(series.map((s) => s.segment)).toEqual([
      'all',
      ...Array.from({ length: MAX_SERIES_SEGMENTS }, (_, i) => `tags.segment=s${String(i).padStart(2, '0')}`),
      'other',
    ]);
    expect(series[series.length - 1]!.points[0]!.traces).toBe(4 + 3 + 2 + 1);
  });
});
