import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { clusteredProportion, wilson } from './intervals.js';

describe('wilson', () => {
  it('matches Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score)', () => {
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [s, n, lo, hi] of cases) {
      const [l, h] = wilson(s, n);
      expect(l).toBeCloseTo(lo, 4);
      expect(h).toBeCloseTo(hi, 4);
    }
  });

  it('uses the requested confidence (hand-derived: 5 of 10 at 99%, z = 2.5758)', () => {
    // center 0.5, half-width = z / (1 + z^2/n) * sqrt(0.25/n + z^2 / (4 n^2))
    //   = 2.575829 / 1.663490 * sqrt(0.025 + 0.016587) = 1.548476 * 0.203929 = 0.315779
    const [lo, hi] = wilson(5, 10, 0.99);
    expect(lo).toBeCloseTo(0.5 - 0.315779, 5);
    expect(hi).toBeCloseTo(0.5 + 0.315779, 5);
  });

  it('contains the observed rate and stays in [0, 1] (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const s = Math.round(f * n);
        const [lo, hi] = wilson(s, n);
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        expect(lo).toBeLessThanOrEqual(s / n + 1e-12);
        expect(hi).toBeGreaterThanOrEqual(s / n - 1e-12);
      }),
    );
  });

  it('rejects bad input', () => {
    expect(() => wilson(1, 0)).toThrow('wilson: n must be positive (got 0)');
    expect(() => wilson(5, 4)).toThrow('wilson: successes must be between 0 and n (got 5 of 4)');
    expect(() => wilson(-1, 4)).toThrow(AssayError);
    expect(() => wilson(1, 4, 1)).toThrow('wilson: confidence must be between 0 and 1 exclusive (got 1)');
    expect(() => wilson(Number.NaN, 4)).toThrow(AssayError);
  });
});

describe('clusteredProportion', () => {
  it('inflates the interval by the design effect (hand-derived example)', () => {
    // 4 cases x 3 trials, two always pass, two always fail: p = 0.5, N = 12, G = 4.
    // V = 4/3 * (4 * 1.5^2) / 12^2 = 1/12; binomial p(1-p)/N = 1/48; deff = 4; effective n = 3.
    // Wilson(0.5, n = 3): half-width 1.96 / (1 + 1.96^2/3) * sqrt(1/12 + 1.96^2/36) = 0.37467.
    const r = clusteredProportion([
      { successes: 3, n: 3 },
      { successes: 0, n: 3 },
      { successes: 3, n: 3 },
      { successes: 0, n: 3 },
    ]);
    expect(r.estimate).toBe(0.5);
    expect(r.designEffect).toBeCloseTo(4, 12);
    expect(r.effectiveN).toBeCloseTo(3, 12);
    expect(r.lo).toBeCloseTo(0.12533, 4);
    expect(r.hi).toBeCloseTo(0.87467, 4);
  });

  it('with one trial per case is Wilson with the CR1 factor G / (G - 1) (hand-derived)', () => {
    const groups = [1, 0, 1, 1, 0, 1, 1, 1, 0, 1].map((s) => ({ successes: s, n: 1 }));
    const r = clusteredProportion(groups);
    expect(r.estimate).toBe(0.7);
    expect(r.designEffect).toBeCloseTo(10 / 9, 12);
    const [lo, hi] = wilson(7, 10);
    expect(r.lo).toBeLessThan(lo);
    expect(r.hi).toBeGreaterThan(hi);
    expect(r.lo).toBeCloseTo(lo, 1);
  });

  it('counts each case once when every trial agreed (p = 1): effective n = number of cases', () => {
    const r = clusteredProportion(Array.from({ length: 5 }, () => ({ successes: 4, n: 4 })));
    expect(r.estimate).toBe(1);
    expect(r.effectiveN).toBe(5);
    const [lo, hi] = wilson(5, 5);
    expect(r.lo).toBeCloseTo(lo, 12);
    expect(r.hi).toBe(hi);
    expect(r.lo).toBeCloseTo(5 / (5 + 1.959964 ** 2), 5);
  });

  it('is never narrower than the naive Wilson interval on all trials (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .integer({ min: 1, max: 8 })
            .chain((n) => fc.record({ n: fc.constant(n), successes: fc.integer({ min: 0, max: n }) })),
          { minLength: 2, maxLength: 30 },
        ),
        (groups) => {
          const s = groups.reduce((a, g) => a + g.successes, 0);
          const n = groups.reduce((a, g) => a + g.n, 0);
          const r = clusteredProportion(groups);
          const [lo, hi] = wilson(s, n);
          expect(r.designEffect).toBeGreaterThanOrEqual(1);
          expect(r.hi - r.lo).toBeGreaterThanOrEqual(hi - lo - 1e-12);
          expect(r.lo).toBeLessThanOrEqual(r.estimate + 1e-12);
          expect(r.hi).toBeGreaterThanOrEqual(r.estimate - 1e-12);
        },
      ),
    );
  });

  it('rejects bad input', () => {
    expect(() => clusteredProportion([])).toThrow('clusteredProportion: groups is empty');
    expect(() => clusteredProportion([{ successes: 0, n: 0 }])).toThrow(/no trials/);
    expect(() => clusteredProportion([{ successes: 3, n: 2 }])).toThrow(
      'clusteredProportion: groups[0].successes must be between 0 and n (got 3 of 2)',
    );
    expect(() => clusteredProportion([{ successes: 1, n: -2 }])).toThrow(AssayError);
  });
});
