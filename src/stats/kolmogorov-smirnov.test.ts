import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ksTest } from './kolmogorov-smirnov.js';

// Deterministic samples shared with scipy 1.17.1, which computed the reference values below.
const seq = (n: number, a: number, m: number, scale: number, off = 0) =>
  Array.from({ length: n }, (_, i) => (((i + 1) * a) % m) / scale + off);

describe('ksTest', () => {
  it('gives the exact p for fully separated samples (hand-derived: 2 / C(6, 3) = 0.1)', () => {
    const r = ksTest([0.1, 0.2, 0.3], [0.4, 0.5, 0.6]);
    expect(r.statistic).toBe(1);
    expect(r.p).toBeCloseTo(0.1, 14);
  });

  it("matches scipy.stats.ks_2samp's exact mode for unequal and equal sizes", () => {
    // scipy: ks_2samp([1..8], [2.5, 3.5, 9, 10, 11]) -> (0.6, 0.16472416472416468)
    const a = ksTest([1, 2, 3, 4, 5, 6, 7, 8], [2.5, 3.5, 9, 10, 11]);
    expect(a.statistic).toBeCloseTo(0.6, 14);
    expect(a.p).toBeCloseTo(0.16472416472416468, 13);
    // scipy: n = 60 vs 45 -> (0.14444444444444443, 0.6131203539274469)
    const b = ksTest(seq(60, 7919, 1000, 100), seq(45, 104729, 1000, 100, 1));
    expect(b.statistic).toBeCloseTo(0.14444444444444443, 14);
    expect(b.p).toBeCloseTo(0.6131203539274469, 12);
    // scipy: n = 50 vs 50 -> (0.12, 0.8692618870414056)
    const c = ksTest(seq(50, 7919, 1000, 100), seq(50, 104729, 1000, 100, 0.8));
    expect(c.statistic).toBeCloseTo(0.12, 14);
    expect(c.p).toBeCloseTo(0.8692618870414056, 12);
    // scipy: n = 10,000 vs 9,999 (still exact in scipy's auto mode) -> (0.0033072607260726072, 0.9999999967947749)
    const d = ksTest(seq(10000, 7919, 100003, 1000), seq(9999, 104729, 100003, 1000, 0.3));
    expect(d.statistic).toBeCloseTo(0.0033072607260726072, 14);
    expect(d.p).toBeCloseTo(0.9999999967947749, 12);
  });

  it("is within 1% of scipy's asymptotic p-value for large samples", () => {
    // scipy (asymp, 12,000 vs 9,000): (0.02025, 0.029057974258812402) and (0.00525, 0.9987795299802449)
    const a = ksTest(seq(12000, 7919, 100003, 1000), seq(9000, 104729, 100003, 1000, 2));
    expect(a.statistic).toBeCloseTo(0.02025, 14);
    expect(Math.abs(a.p / 0.029057974258812402 - 1)).toBeLessThan(0.01);
    const b = ksTest(seq(12000, 7919, 100003, 1000), seq(9000, 104729, 100003, 1000, 0.5));
    expect(Math.abs(b.p / 0.9987795299802449 - 1)).toBeLessThan(0.01);
  });

  it('gives p = 1 for identical samples and tiny p for very different large ones', () => {
    expect(ksTest([1, 2, 3], [3, 2, 1])).toEqual({ statistic: 0, p: 1 });
    const far = ksTest(seq(10000, 7919, 100003, 1000), seq(9999, 104729, 100003, 1000, 30));
    expect(far.p).toBeLessThan(1e-100);
  });

  it('is symmetric with D and p in [0, 1] (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 40 }),
        (x, y) => {
          const a = ksTest(x, y);
          const b = ksTest(y, x);
          expect(b.statistic).toBeCloseTo(a.statistic, 14);
          expect(b.p).toBeCloseTo(a.p, 12);
          expect(a.statistic).toBeGreaterThanOrEqual(0);
          expect(a.statistic).toBeLessThanOrEqual(1);
          expect(a.p).toBeGreaterThanOrEqual(0);
          expect(a.p).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('rejects empty samples', () => {
    expect(() => ksTest([], [1])).toThrow('ksTest: x is empty');
    expect(() => ksTest([1], [Number.POSITIVE_INFINITY])).toThrow(
      'ksTest: y[0] is not a finite number (Infinity)',
    );
  });
});
