import { describe, expect, it } from 'vitest';
import { percentile } from '../stats/descriptive.js';
import { createRng } from '../stats/random.js';
import { LatencyHistogram } from './latency-histogram.js';

/** Nearest-rank percentile of exact samples, the definition the histogram approximates. */
function nearestRank(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe('LatencyHistogram', () => {
  it('knows nothing before the first sample', () => {
    const h = new LatencyHistogram();
    expect(h.percentile(50)).toBeNull();
    expect(h.maxMs).toBeNull();
    expect(h.bins()).toEqual([]);
  });

  it('gives every percentile within 0.8% of the exact one, over six decades of latency', () => {
    const rng = createRng(7);
    const h = new LatencyHistogram();
    const samples: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      // log-uniform from 0.01 ms to 10 s
      const ms = 10 ** (rng.next() * 6 - 2);
      samples.push(Math.round(ms * 1000) / 1000);
      h.record(ms);
    }
    samples.sort((a, b) => a - b);
    for (const p of [1, 10, 25, 50, 75, 90, 95, 99, 99.9]) {
      const exact = nearestRank(samples, p);
      expect(Math.abs(h.percentile(p)! - exact) / exact).toBeLessThan(0.008);
    }
    expect(h.maxMs).toBe(samples.at(-1));
    expect(h.minMs).toBe(samples[0]);
    expect(h.count).toBe(50_000);
  });

  it('is exact for whole microseconds under 256 µs and keeps the mean exact', () => {
    const h = new LatencyHistogram();
    for (const ms of [0.001, 0.1, 0.2, 0.255]) h.record(ms);
    expect(h.percentile(25)).toBe(0.001);
    expect(h.percentile(50)).toBe(0.1);
    expect(h.percentile(100)).toBe(0.255);
    expect(h.meanMs).toBeCloseTo(0.139, 6);
    expect(percentile([1, 100, 200, 255], 50)).toBe(150); // interpolated, unlike nearest rank
  });

  it('merges per-worker histograms into the same result as one histogram', () => {
    const one = new LatencyHistogram();
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) {
      one.record(i);
      (i % 2 ? a : b).record(i);
    }
    a.merge(b);
    for (const p of [50, 90, 99]) expect(a.percentile(p)).toBe(one.percentile(p));
    expect(a.maxMs).toBe(1000);
    expect(a.minMs).toBe(1);
    expect(a.meanMs).toBe(one.meanMs);
  });

  it('clamps what cannot be a latency instead of corrupting the counts', () => {
    const h = new LatencyHistogram();
    h.record(-5);
    h.record(Number.NaN);
    h.record(1e12);
    expect(h.count).toBe(3);
    expect(h.minMs).toBe(0);
    expect(h.maxMs).toBeCloseTo(2_147_483.647, 3);
  });

  it('bins cover min to max and hold every sample', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 990; i++) h.record(100 + (i % 10));
    for (let i = 0; i < 10; i++) h.record(2000);
    const bins = h.bins(8);
    expect(bins).toHaveLength(8);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(1000);
    expect(bins[0]!.fromMs).toBe(100);
    expect(bins.at(-1)!.toMs).toBe(2000);
    expect(bins.at(-1)!.count).toBe(10);
    expect(bins[0]!.count).toBe(990);
  });
});
