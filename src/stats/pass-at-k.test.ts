import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { passAtK, passHatK } from './pass-at-k.js';

function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** Brute force over every k-subset of n samples of which the first c pass. */
function enumerate(n: number, c: number, k: number): { any: number; all: number } {
  let any = 0;
  let all = 0;
  let total = 0;
  const walk = (start: number, left: number, passes: number) => {
    if (left === 0) {
      total++;
      if (passes > 0) any++;
      if (passes === k) all++;
      return;
    }
    for (let i = start; i <= n - left; i++) walk(i + 1, left - 1, passes + (i < c ? 1 : 0));
  };
  walk(0, k, 0);
  return { any: any / total, all: all / total };
}

describe('passAtK', () => {
  it('is 1 - C(n - c, k) / C(n, k) (Chen et al. 2021, eq. 1; hand-derived values)', () => {
    expect(passAtK(5, 2, 2)).toBeCloseTo(1 - 3 / 10, 14);
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 14);
    expect(passAtK(200, 10, 100)).toBeCloseTo(1 - choose(190, 100) / choose(200, 100), 12);
    expect(passAtK(10, 0, 5)).toBe(0);
    expect(passAtK(10, 6, 5)).toBe(1); // n - c < k: every draw of 5 includes a pass
  });

  it('agrees with brute-force enumeration of all k-subsets (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 12 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }), fc.integer({ min: 1, max: n })),
          ),
        ([n, c, k]) => {
          const { any, all } = enumerate(n, c, k);
          expect(passAtK(n, c, k)).toBeCloseTo(any, 12);
          expect(passHatK(n, c, k)).toBeCloseTo(all, 12);
          expect(passHatK(n, c, k)).toBeLessThanOrEqual(passAtK(n, c, k) + 1e-12);
        },
      ),
    );
  });

  it('rejects bad input', () => {
    expect(() => passAtK(5, 6, 1)).toThrow('passAtK: c must not exceed n (got c = 6, n = 5)');
    expect(() => passAtK(5, 1, 6)).toThrow('passAtK: k must not exceed n (got k = 6, n = 5)');
    expect(() => passAtK(0, 0, 1)).toThrow('passAtK: n must be at least 1 (got 0)');
    expect(() => passAtK(5, 1, 0)).toThrow('passAtK: k must be at least 1 (got 0)');
    expect(() => passAtK(5, 1.5, 1)).toThrow('passAtK: c must be an integer (got 1.5)');
  });
});

describe('passHatK', () => {
  it('is C(c, k) / C(n, k) (Yao et al. 2024, tau-bench; hand-derived values)', () => {
    expect(passHatK(5, 2, 2)).toBeCloseTo(1 / 10, 14);
    expect(passHatK(10, 3, 1)).toBeCloseTo(0.3, 14);
    expect(passHatK(8, 8, 8)).toBe(1);
    expect(passHatK(8, 3, 4)).toBe(0);
    expect(passHatK(20, 15, 4)).toBeCloseTo(choose(15, 4) / choose(20, 4), 14);
  });

  it('falls as k grows (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 30 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))),
        ([n, c]) => {
          for (let k = 1; k < n; k++) {
            expect(passHatK(n, c, k + 1)).toBeLessThanOrEqual(passHatK(n, c, k) + 1e-15);
            expect(passAtK(n, c, k + 1)).toBeGreaterThanOrEqual(passAtK(n, c, k) - 1e-15);
          }
        },
      ),
    );
  });
});
