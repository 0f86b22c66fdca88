import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { allTied, histogram, mean, percentile, ranks } from './descriptive.js';

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });

describe('mean', () => {
  it('averages', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean([-1.5])).toBe(-1.5);
  });

  it('rejects empty input and non-finite values', () => {
    expect(() => mean([])).toThrow(AssayError);
    expect(() => mean([])).toThrow('mean: values is empty');
    expect(() => mean([1, Number.NaN])).toThrow('mean: values[1] is not a finite number (NaN)');
    expect(() => mean([Number.POSITIVE_INFINITY])).toThrow(/not a finite number/);
    expect(() => mean([1e308, 1e308])).toThrow(
      'mean: the result is not finite (Infinity): the values are too large to compute with',
    );
  });
});

describe('percentile', () => {
  it("matches numpy's documented example: np.percentile([[10, 7, 4], [3, 2, 1]], 50) == 3.5", () => {
    expect(percentile([10, 7, 4, 3, 2, 1], 50)).toBe(3.5);
    // numpy docs, axis=0: [6.5, 4.5, 2.5]
    expect(percentile([10, 3], 50)).toBe(6.5);
    expect(percentile([7, 2], 50)).toBe(4.5);
    expect(percentile([4, 1], 50)).toBe(2.5);
  });

  it("interpolates linearly between closest ranks (numpy 'linear', hand-derived)", () => {
    // position (n - 1) p / 100 = 0.75 -> 1 + 0.75 * (2 - 1)
    expect(percentile([4, 1, 3, 2], 25)).toBe(1.75);
    expect(percentile([1, 2, 3, 4], 0)).toBe(1);
    expect(percentile([1, 2, 3, 4], 100)).toBe(4);
    expect(percentile([5], 37)).toBe(5);
    expect(percentile([0, 10], 33)).toBeCloseTo(3.3, 12);
  });

  it('rejects p outside [0, 100] and bad values', () => {
    expect(() => percentile([1, 2], 101)).toThrow('percentile: p must be in [0, 100] (got 101)');
    expect(() => percentile([1, 2], -1)).toThrow(AssayError);
    expect(() => percentile([1, 2], Number.NaN)).toThrow(AssayError);
    expect(() => percentile([], 50)).toThrow('percentile: values is empty');
  });

  it('is monotone in p and stays within [min, max] (property)', () => {
    fc.assert(
      fc.property(
        fc.array(finite, { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (xs, p1, p2) => {
          const [lo, hi] = p1 <= p2 ? [p1, p2] : [p2, p1];
          const a = percentile(xs, lo);
          const b = percentile(xs, hi);
          expect(a).toBeLessThanOrEqual(b);
          expect(a).toBeGreaterThanOrEqual(Math.min(...xs));
          expect(b).toBeLessThanOrEqual(Math.max(...xs));
        },
      ),
    );
  });
});

describe('ranks', () => {
  it("gives ties their average rank, as scipy's rankdata docs: rankdata([0, 2, 3, 2]) == [1, 2.5, 4, 2.5]", () => {
    expect(ranks([0, 2, 3, 2])).toEqual([1, 2.5, 4, 2.5]);
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(ranks([7, 7, 7])).toEqual([2, 2, 2]);
  });

  it('ranks sum to n(n+1)/2 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 40 }), (xs) => {
        const sum = ranks(xs).reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo((xs.length * (xs.length + 1)) / 2, 9);
      }),
    );
  });
});

describe('histogram', () => {
  it("matches numpy's documented example: np.histogram([1, 2, 1], bins=[0, 1, 2, 3]) -> [0, 2, 1]", () => {
    expect(histogram([1, 2, 1], { bins: 3, min: 0, max: 3 })).toEqual({
      edges: [0, 1, 2, 3],
      counts: [0, 2, 1],
    });
  });

  it('closes the last bin, skips values outside the range and widens an empty range like numpy', () => {
    expect(histogram([1, 2, 2, 3, 4], { bins: 3 })).toEqual({ edges: [1, 2, 3, 4], counts: [1, 2, 2] });
    expect(histogram([-1, 0.25, 0.5, 9], { bins: 2, min: 0, max: 1 }).counts).toEqual([1, 1]);
    expect(histogram([2, 2], { bins: 2 })).toEqual({ edges: [1.5, 2, 2.5], counts: [0, 2] });
  });

  it('puts values on computed edges in the right bin', () => {
    const h = histogram([0.1, 0.2, 0.3, 0.7], { bins: 10, min: 0, max: 1 });
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(4);
    h.edges.forEach((e, i) => {
      if (i < 10) expect(histogram([e], { bins: 10, min: 0, max: 1 }).counts[i]).toBe(1);
    });
  });

  it('rejects bad options', () => {
    expect(() => histogram([1], { bins: 0 })).toThrow('histogram: bins must be at least 1 (got 0)');
    expect(() => histogram([1], { min: 2, max: 1 })).toThrow('histogram: min must not exceed max (2 > 1)');
  });
});

describe('ranks: floating-point noise is not an order', () => {
  it('ties values equal up to the last bit, everywhere ranks are taken', async () => {
    const { spearman, kendallTau } = await import('./correlation.js');
    // 0.7 + 0.1 and 0.8 differ in the last bit; so do 0.1 + 0.2 and 0.3.
    expect(0.7 + 0.1).not.toBe(0.8);
    expect(ranks([0.7 + 0.1, 0.8, 0.1 + 0.2, 0.3])).toEqual([3.5, 3.5, 1.5, 1.5]);
    // Distinct small values stay distinct: the tolerance is relative.
    expect(ranks([1e-12, 2e-12, 3e-12])).toEqual([1, 2, 3]);
    // With the ties, x is a monotone function of y: rho = tau = 1.
    const x = [0.7 + 0.1, 0.8, 0.1 + 0.2, 0.3, 5];
    const y = [2, 2, 1, 1, 3];
    expect(spearman(x, y).rho).toBeCloseTo(1, 12);
    expect(kendallTau(x, y).tau).toBeCloseTo(1, 12);
  });
});

describe('allTied', () => {
  it('is true exactly when spearman finds the values constant', async () => {
    const { spearman } = await import('./correlation.js');
    const y = [1, 2, 3, 4];
    const cases: [number[], boolean][] = [
      [[0.85, 0.85, (0.9 + 0.8) / 2, 0.85], true],
      [[-0.3, -(0.1 + 0.2), -0.3, -0.3], true],
      // A chain: the middle value ties both ends, the ends do not tie each other.
      [[1 + 0.6e-9, 1, 1 + 1.2e-9, 1], false],
      [[1e-12, 2e-12, 1e-12, 1e-12], false],
    ];
    for (const [x, tied] of cases) {
      expect(allTied(x), String(x)).toBe(tied);
      if (tied) expect(() => spearman(x, y)).toThrow(/constant/);
      else expect(Number.isFinite(spearman(x, y).rho)).toBe(true);
    }
  });
});
