import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { kendallTau, pearson, spearman } from './correlation.js';

// Deterministic data sets shared with scipy 1.17.1, which computed the reference values marked "scipy".
const x40 = Array.from({ length: 40 }, (_, i) => (i * 37) % 23); // ties
const y40 = Array.from({ length: 40 }, (_, i) => ((i * 11) % 7) + (i % 3)); // ties

const pairs = fc
  .array(fc.tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -20, max: 20 })), {
    minLength: 3,
    maxLength: 40,
  })
  .filter((ps) => new Set(ps.map((p) => p[0])).size > 1 && new Set(ps.map((p) => p[1])).size > 1);

function shuffle<T>(xs: T[], seed: number): T[] {
  const out = xs.slice();
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('pearson', () => {
  it('matches the scipy.stats.pearsonr documentation example', () => {
    // scipy docs: pearsonr([1, 2, 3, 4, 5, 6, 7], [10, 9, 2.5, 6, 4, 3, 2])
    //   -> PearsonRResult(statistic=-0.828503883588428, pvalue=0.021280260007523286)
    const { r, p } = pearson([1, 2, 3, 4, 5, 6, 7], [10, 9, 2.5, 6, 4, 3, 2]);
    expect(r).toBeCloseTo(-0.828503883588428, 12);
    expect(p).toBeCloseTo(0.021280260007523286, 8);
  });

  it('matches scipy on tied integer data', () => {
    // scipy: pearsonr(x40, y40) -> (0.04202783562373749, 0.7967987352201408)
    const { r, p } = pearson(x40, y40);
    expect(r).toBeCloseTo(0.04202783562373749, 12);
    expect(p).toBeCloseTo(0.7967987352201408, 8);
  });

  it('handles perfect and two-point correlations', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toEqual({ r: 1, p: 0 });
    expect(pearson([1, 2], [5, 3])).toEqual({ r: -1, p: 1 });
  });

  it('rejects constant input, unequal lengths and NaN', () => {
    expect(() => pearson([1, 2, 3], [1, 2])).toThrow('pearson: x and y must have the same length (3 vs 2)');
    expect(() => pearson([0.1, 0.1, 0.1], [1, 2, 3])).toThrow(
      'pearson: x is constant, the correlation is undefined',
    );
    expect(() => pearson([1, 2, 3], [4, 4, 4])).toThrow(/y is constant/);
    expect(() => pearson([1], [1])).toThrow('pearson: x needs at least 2 values (got 1)');
    expect(() => pearson([1, Number.NaN], [1, 2])).toThrow(AssayError);
  });
});

describe('spearman', () => {
  it('matches the scipy.stats.spearmanr documentation example (with a tie)', () => {
    // scipy docs: spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])
    //   -> SignificanceResult(statistic=0.8207826816681233, pvalue=0.08858700531354381)
    const { rho, p } = spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]);
    expect(rho).toBeCloseTo(0.8207826816681233, 12);
    expect(p).toBeCloseTo(0.08858700531354381, 8);
  });

  it('matches scipy on heavily tied data', () => {
    // scipy: spearmanr(x40, y40) -> (0.04629278637948438, 0.7766791851081785)
    const { rho, p } = spearman(x40, y40);
    expect(rho).toBeCloseTo(0.04629278637948438, 12);
    expect(p).toBeCloseTo(0.7766791851081785, 8);
  });

  it('is invariant under monotone transforms (property)', () => {
    fc.assert(
      fc.property(pairs, (ps) => {
        const x = ps.map((p) => p[0]);
        const y = ps.map((p) => p[1]);
        const a = spearman(x, y).rho;
        const b = spearman(
          x.map((v) => Math.exp(v / 5)),
          y.map((v) => v ** 3),
        ).rho;
        expect(b).toBeCloseTo(a, 10);
      }),
    );
  });
});

describe('kendallTau', () => {
  it('matches the scipy.stats.kendalltau documentation example (tau-b with ties, asymptotic p)', () => {
    // scipy docs: kendalltau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) -> (-0.47140452079103173, 0.2827454599327748)
    const { tau, p } = kendallTau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]);
    expect(tau).toBeCloseTo(-0.47140452079103173, 12);
    expect(p).toBeCloseTo(0.2827454599327748, 10);
  });

  it('uses the exact distribution without ties (hand-derived: n = 4 in order, p = 2 / 4! )', () => {
    const { tau, p } = kendallTau([1, 2, 3, 4], [10, 20, 30, 40]);
    expect(tau).toBe(1);
    expect(p).toBeCloseTo(2 / 24, 14);
    // one discordant pair of 6: P(at most 1 inversion) = (1 + 3) / 24, doubled
    expect(kendallTau([1, 2, 3, 4], [1, 2, 4, 3]).p).toBeCloseTo(8 / 24, 14);
  });

  it('matches scipy exact (n = 10) and asymptotic (n = 40 and 50) p-values', () => {
    // scipy: kendalltau(range 1..10, [3,1,2,5,4,7,6,10,8,9]) -> (0.7333333333333333, 0.002212852733686067), exact
    const a = kendallTau([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [3, 1, 2, 5, 4, 7, 6, 10, 8, 9]);
    expect(a.tau).toBeCloseTo(0.7333333333333333, 12);
    expect(a.p).toBeCloseTo(0.002212852733686067, 12);
    // scipy: kendalltau(x40, y40) -> (0.0191702236151504, 0.869014579630236), ties: asymptotic
    const b = kendallTau(x40, y40);
    expect(b.tau).toBeCloseTo(0.0191702236151504, 12);
    expect(b.p).toBeCloseTo(0.869014579630236, 10);
    // scipy: no ties, n = 50 > 33 -> asymptotic: (0.33387755102040817, 0.0006233931587187473)
    const x50 = Array.from({ length: 50 }, (_, i) => i + 1);
    const y50 = Array.from({ length: 50 }, (_, i) => (i * 17) % 50);
    const c = kendallTau(x50, y50);
    expect(c.tau).toBeCloseTo(0.33387755102040817, 12);
    expect(c.p).toBeCloseTo(0.0006233931587187473, 12);
  });

  it('agrees with the O(n^2) definition of tau-b (property)', () => {
    fc.assert(
      fc.property(pairs, (ps) => {
        let con = 0;
        let dis = 0;
        let tx = 0;
        let ty = 0;
        for (let i = 0; i < ps.length; i++) {
          for (let j = i + 1; j < ps.length; j++) {
            const s = Math.sign(ps[i]![0] - ps[j]![0]) * Math.sign(ps[i]![1] - ps[j]![1]);
            if (s > 0) con++;
            else if (s < 0) dis++;
            else {
              if (ps[i]![0] !== ps[j]![0] && ps[i]![1] === ps[j]![1]) ty++;
              if (ps[i]![0] === ps[j]![0] && ps[i]![1] !== ps[j]![1]) tx++;
            }
          }
        }
        const expected = (con - dis) / Math.sqrt((con + dis + tx) * (con + dis + ty));
        expect(
          kendallTau(
            ps.map((p) => p[0]),
            ps.map((p) => p[1]),
          ).tau,
        ).toBeCloseTo(expected, 10);
      }),
    );
  });

  it('rejects constant input', () => {
    expect(() => kendallTau([1, 1, 1], [1, 2, 3])).toThrow('kendallTau: x is constant, tau is undefined');
  });
});

describe('all correlations', () => {
  it('are symmetric, bounded, and invariant to the order of pairs (property)', () => {
    fc.assert(
      fc.property(pairs, fc.integer({ min: 1, max: 1000 }), (ps, seed) => {
        const x = ps.map((p) => p[0]);
        const y = ps.map((p) => p[1]);
        const shuffled = shuffle(ps, seed);
        const sx = shuffled.map((p) => p[0]);
        const sy = shuffled.map((p) => p[1]);
        for (const [f, key] of [
          [pearson, 'r'],
          [spearman, 'rho'],
          [kendallTau, 'tau'],
        ] as const) {
          const a = f(x, y) as Record<string, number>;
          const b = f(y, x) as Record<string, number>;
          const c = f(sx, sy) as Record<string, number>;
          expect(a[key]).toBeGreaterThanOrEqual(-1);
          expect(a[key]).toBeLessThanOrEqual(1);
          expect(a.p).toBeGreaterThanOrEqual(0);
          expect(a.p).toBeLessThanOrEqual(1);
          expect(b[key]).toBeCloseTo(a[key]!, 10);
          expect(c[key]).toBeCloseTo(a[key]!, 10);
          // p is very sensitive to rounding in r when |r| is 1 and n is tiny (df = 1): 1 - 1e-16 gives p ~ 1e-8
          expect(c.p).toBeCloseTo(a.p!, 6);
        }
      }),
    );
  });
});
