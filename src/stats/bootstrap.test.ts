import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { bootstrap, pairedBootstrapDiff } from './bootstrap.js';
import { mean, percentile } from './descriptive.js';
import { createRng } from './random.js';

function normalSample(n: number, seed: number, mu = 0, sd = 1): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    // Box-Muller
    const u = 1 - rng.next();
    return mu + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  });
}

describe('bootstrap', () => {
  it('is reproducible for a seed, by default too, and depends on the seed', () => {
    const xs = normalSample(50, 1);
    expect(bootstrap(xs, mean, { seed: 5 })).toEqual(bootstrap(xs, mean, { seed: 5 }));
    expect(bootstrap(xs, mean)).toEqual(bootstrap(xs, mean));
    expect(bootstrap(xs, mean, { seed: 5 }).lo).not.toBe(bootstrap(xs, mean, { seed: 6 }).lo);
  });

  it('gives the same result on the mean fast path as on the generic path', () => {
    const xs = normalSample(200, 2);
    const fast = bootstrap(xs, mean, { iterations: 500, seed: 3 });
    const generic = bootstrap(xs, (v) => mean(v), { iterations: 500, seed: 3 });
    expect(fast).toEqual(generic);
  });

  it('agrees with normal theory for the mean of a large sample: mean ± 1.96 s / sqrt(n)', () => {
    // The bootstrap distribution of the mean has variance s_plugin^2 / n (Efron & Tibshirani 1993, ch. 5).
    const xs = normalSample(2000, 4, 10, 3);
    const m = mean(xs);
    const s = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
    const half = (1.959964 * s) / Math.sqrt(xs.length);
    const r = bootstrap(xs, mean, { iterations: 10_000, seed: 11 });
    expect(r.estimate).toBe(m);
    expect(r.lo).toBeCloseTo(m - half, 2);
    expect(r.hi).toBeCloseTo(m + half, 2);
    expect(Math.abs(r.hi - r.lo - 2 * half) / (2 * half)).toBeLessThan(0.05);
  });

  it('works with any statistic and narrows with lower confidence', () => {
    const xs = normalSample(300, 8);
    const median = (v: number[]) => percentile(v, 50);
    const wide = bootstrap(xs, median, { iterations: 1000, confidence: 0.99 });
    const narrow = bootstrap(xs, median, { iterations: 1000, confidence: 0.5 });
    expect(wide.estimate).toBe(percentile(xs, 50));
    expect(wide.lo).toBeLessThan(narrow.lo);
    expect(wide.hi).toBeGreaterThan(narrow.hi);
  });

  it('gives a zero-width interval for constant data', () => {
    expect(bootstrap([3, 3, 3], mean, { iterations: 100 })).toEqual({ estimate: 3, lo: 3, hi: 3 });
  });

  it('rejects bad input', () => {
    expect(() => bootstrap([], mean)).toThrow('bootstrap: values is empty');
    expect(() => bootstrap([1, Number.NaN], mean)).toThrow(AssayError);
    expect(() => bootstrap([1, 2], mean, { iterations: 0 })).toThrow(
      'bootstrap: iterations must be at least 1 (got 0)',
    );
    expect(() => bootstrap([1, 2], mean, { confidence: 1.5 })).toThrow(/confidence must be between 0 and 1/);
    expect(() => bootstrap([1, 2], () => Number.NaN)).toThrow(
      'bootstrap: statistic returned NaN for the data',
    );
    expect(() =>
      bootstrap([1, 2], (v) => (v.length === 2 && v[0] === 1 && v[1] === 2 ? 0 : Number.NaN)),
    ).toThrow(/statistic returned NaN for resample/);
  });
});

describe('pairedBootstrapDiff', () => {
  it('estimates mean(y - x) and is antisymmetric in x and y', () => {
    const x = [0.5, 0.6, 0.7, 0.4, 0.9, 0.3];
    const y = [0.6, 0.8, 0.7, 0.6, 0.9, 0.5];
    const r = pairedBootstrapDiff(x, y, { iterations: 2000, seed: 1 });
    const s = pairedBootstrapDiff(y, x, { iterations: 2000, seed: 1 });
    expect(r.estimate).toBeCloseTo(0.7 / 6, 12);
    expect(s.estimate).toBeCloseTo(-0.7 / 6, 12);
    expect(s.lo).toBeCloseTo(-r.hi, 12);
    expect(s.hi).toBeCloseTo(-r.lo, 12);
    expect(s.p).toBe(r.p);
  });

  it('gives p = 2 / (B + 1) when every resampled difference is positive (hand-derived)', () => {
    const r = pairedBootstrapDiff([0, 0, 0], [1, 2, 3], { iterations: 999 });
    expect(r.p).toBeCloseTo(0.002, 12);
    expect(r.lo).toBeGreaterThan(0);
  });

  it('gives p = 1 and a zero interval for identical runs', () => {
    expect(pairedBootstrapDiff([1, 2, 3], [1, 2, 3])).toEqual({ estimate: 0, lo: 0, hi: 0, p: 1 });
  });

  it('agrees with the paired t interval on a large sample and finds a clear effect', () => {
    const x = normalSample(1000, 21, 0.6, 0.2);
    const noise = normalSample(1000, 22, 0.03, 0.1);
    const y = x.map((v, i) => v + noise[i]!);
    const d = y.map((v, i) => v - x[i]!);
    const m = mean(d);
    const sd = Math.sqrt(d.reduce((a, v) => a + (v - m) ** 2, 0) / d.length);
    const r = pairedBootstrapDiff(x, y, { seed: 9 });
    expect(r.estimate).toBeCloseTo(m, 12);
    expect(r.hi - r.lo).toBeCloseTo((2 * 1.959964 * sd) / Math.sqrt(1000), 3);
    expect(r.p).toBeLessThan(0.001);
  });

  it('rejects unequal lengths and empty input', () => {
    expect(() => pairedBootstrapDiff([1, 2], [1])).toThrow(
      'pairedBootstrapDiff: x and y must have the same length (2 vs 1)',
    );
    expect(() => pairedBootstrapDiff([], [])).toThrow('pairedBootstrapDiff: x is empty');
  });
});
