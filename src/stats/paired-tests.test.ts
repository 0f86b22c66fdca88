import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { mcnemar, mcnemarIsExact, pairedTTest, wilcoxonSignedRank } from './paired-tests.js';

const zeros = (n: number) => new Array<number>(n).fill(0);

describe('mcnemar', () => {
  it("matches Wikipedia's McNemar example (b = 121, c = 59): chi-square 21.35 without correction", () => {
    const r = mcnemar(121, 59, { exact: false, correction: false });
    expect(r.statistic).toBeCloseTo(21.3556, 4);
    // chi2.sf(21.3556, 1) = 3.815135865112594e-06 (scipy 1.17.1)
    expect(r.p).toBeCloseTo(3.815135865112594e-6, 15);
  });

  it('matches Agresti (2002), Categorical Data Analysis, Table 10.1 (presidential approval): z^2 = 17.36', () => {
    const r = mcnemar(150, 86, { exact: false, correction: false });
    expect(r.statistic).toBeCloseTo(17.36, 2);
    expect(Math.sqrt(r.statistic)).toBeCloseTo(4.17, 2);
    expect(r.p).toBeCloseTo(3.099293441045215e-5, 14); // scipy chi2.sf(4096 / 236, 1)
  });

  it("applies Edwards' continuity correction by default for the chi-square test (hand-derived)", () => {
    // (|121 - 59| - 1)^2 / 180 = 61^2 / 180 = 20.6722
    const r = mcnemar(121, 59, { exact: false });
    expect(r.statistic).toBeCloseTo(3721 / 180, 12);
    expect(r.p).toBeCloseTo(5.450094825427117e-6, 15);
    expect(mcnemar(10, 10, { exact: false })).toEqual({ statistic: 0, p: 1 });
  });

  it('exact: two-sided binomial test on b of b + c (hand-derived)', () => {
    // b = 1, c = 8: 2 * (C(9,0) + C(9,1)) / 2^9 = 20 / 512
    expect(mcnemar(1, 8, { exact: true })).toEqual({ statistic: 1, p: 20 / 512 });
    expect(mcnemar(8, 1, { exact: true }).p).toBe(20 / 512);
    expect(mcnemar(4, 4, { exact: true }).p).toBe(1);
    expect(mcnemar(0, 0).p).toBe(1);
  });

  it('switches from exact to chi-square above b + c = 25 by default, the rule compare uses', () => {
    // One rule (MCNEMAR_EXACT_MAX): the library used to switch below 25 while compare used <= 25.
    // b + c = 25: exact, 2 * P(X <= 5), X ~ Bin(25, 1/2) = 0.004077315330505371 (scipy binomtest(5, 25))
    const exact = mcnemar(5, 20);
    expect(exact.statistic).toBe(5);
    expect(exact.p).toBeCloseTo(0.004077315330505371, 15);
    expect(mcnemarIsExact(5, 20)).toBe(true);
    // b + c = 26: chi-square with correction, (16 - 1)^2 / 26 = 8.6538, p = chi2.sf(225 / 26, 1)
    const approx = mcnemar(5, 21);
    expect(mcnemarIsExact(5, 21)).toBe(false);
    expect(approx.statistic).toBeCloseTo(225 / 26, 12);
    expect(approx.p).toBeCloseTo(0.0032637169016702335, 14); // scipy chi2.sf(225 / 26, 1)
  });

  it('handles large counts without overflow', () => {
    const r = mcnemar(1000, 1100, { exact: true });
    expect(r.p).toBeCloseTo(0.03072070786424249, 8); // scipy binomtest(1000, 2100)
  });

  it('rejects negative or fractional counts', () => {
    expect(() => mcnemar(-1, 3)).toThrow('mcnemar: b must be at least 0 (got -1)');
    expect(() => mcnemar(1.5, 3)).toThrow('mcnemar: b must be an integer (got 1.5)');
    expect(() => mcnemar(1, Number.NaN)).toThrow(AssayError);
  });
});

describe('wilcoxonSignedRank', () => {
  it("matches the scipy.stats.wilcoxon documentation example (Darwin's Zea mays, via Fisher): 24, 0.041259765625", () => {
    const d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
    expect(wilcoxonSignedRank(d, zeros(15))).toEqual({ statistic: 24, p: 0.041259765625 });
  });

  const d25 = [
    1, 2, -3, 4, 5, -6, 7, 8, 9, -10, 11, 12, 13, -14, 15, 16, 17, 18, 19, 20, -21, 22, 23, 24, 25,
  ];

  it('is exact at n = 25 and uses the normal approximation at n = 26', () => {
    // scipy 1.17.1: wilcoxon(d25, method='exact') -> (54.0, 0.002507925033569336)
    const exact = wilcoxonSignedRank(d25, zeros(25));
    expect(exact.statistic).toBe(54);
    expect(exact.p).toBeCloseTo(0.002507925033569336, 15);
    // scipy 1.17.1: wilcoxon([...d25, 26], method='asymptotic') -> (54.0, 0.0020296829538017265)
    // (the exact p there would be 0.001297980546951294)
    const approx = wilcoxonSignedRank([...d25, 26], zeros(26));
    expect(approx.statistic).toBe(54);
    expect(approx.p).toBeCloseTo(0.0020296829538017265, 13);
  });

  it('drops zero differences and handles ties exactly for small n (exact conditional distribution)', () => {
    // scipy 1.17.1 wilcoxon (auto -> permutation test over all 2^n signs, n <= 13): (4.5, 0.03125)
    const t10 = [1.5, -2, 2, 3, 3, 3, -0.5, 4, 0, 5.5];
    expect(wilcoxonSignedRank(t10, zeros(10))).toEqual({ statistic: 4.5, p: 0.03125 });
    // scipy: wilcoxon(t16, method=PermutationMethod(n_resamples=inf)) -> (14.0, 0.0030517578125)
    const t16 = [1, 2, 2, -2, 3, 3, 4, 5, 5, 5, -6, 7, 8, 8, 9, 10];
    const r = wilcoxonSignedRank(t16, zeros(16));
    expect(r.statistic).toBe(14);
    expect(r.p).toBeCloseTo(0.0030517578125, 15);
  });

  it('applies the tie correction in the normal approximation (n > 25)', () => {
    // scipy 1.17.1: wilcoxon(t30) (ties and zeros -> asymptotic, no continuity correction) -> (65.5, 0.0029150983697375458)
    const t30 = [
      -3, 4, 0, 7, 3, -1, 6, 2, -2, 5, 1, -3, 4, 0, 7, 3, -1, 6, 2, -2, 5, 1, -3, 4, 0, 7, 3, -1, 6, 2,
    ];
    const r = wilcoxonSignedRank(t30, zeros(30));
    expect(r.statistic).toBe(65.5);
    expect(r.p).toBeCloseTo(0.0029150983697375458, 13);
  });

  it('works on x and y directly and is symmetric in them (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 })), {
          minLength: 1,
          maxLength: 40,
        }),
        (ps) => {
          const x = ps.map((p) => p[0]);
          const y = ps.map((p) => p[1]);
          if (ps.every(([a, b]) => a === b)) return;
          const a = wilcoxonSignedRank(x, y);
          const b = wilcoxonSignedRank(y, x);
          expect(b.statistic).toBe(a.statistic);
          expect(b.p).toBeCloseTo(a.p, 12);
          expect(a.p).toBeGreaterThan(0);
          expect(a.p).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('rejects bad input', () => {
    expect(() => wilcoxonSignedRank([1, 2], [1])).toThrow(
      'wilcoxonSignedRank: x and y must have the same length (2 vs 1)',
    );
    expect(() => wilcoxonSignedRank([1, 2], [1, 2])).toThrow(
      'wilcoxonSignedRank: every difference is zero, there is nothing to test',
    );
    expect(() => wilcoxonSignedRank([], [])).toThrow('wilcoxonSignedRank: x is empty');
  });
});

describe('pairedTTest', () => {
  it("matches R's t.test(extra ~ group, data = sleep, paired = TRUE) on Student's (1908) sleep data", () => {
    const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    // R: t = -4.0621, df = 9, p-value = 0.002833; scipy ttest_rel: (-4.062127683382037, 0.002832890197384273)
    const r = pairedTTest(g1, g2);
    expect(r.t).toBeCloseTo(-4.062127683382037, 12);
    expect(r.df).toBe(9);
    expect(r.p).toBeCloseTo(0.002832890197384273, 9);
    expect(pairedTTest(g2, g1).t).toBeCloseTo(4.062127683382037, 12);
  });

  it('rejects zero-variance differences and too few pairs', () => {
    expect(() => pairedTTest([1, 2, 3], [0, 1, 2])).toThrow(
      'pairedTTest: the differences x - y have zero variance, t is undefined',
    );
    expect(() => pairedTTest([1], [2])).toThrow('pairedTTest: x needs at least 2 values (got 1)');
  });
});

describe('wilcoxonSignedRank: floating-point noise is not an order', () => {
  it('ties differences that are equal up to the last bit (issue 12, item 2)', () => {
    // With 3 repeats, 12 cases 3/3 → 2/3 and 8 cases 0/3 → 1/3: |1 − 2/3| and |1/3 − 0| differ in the
    // last bit. Ranked as distinct they gave p = 0.005; tied, the exact conditional p is the sign test's,
    // 2 P(Bin(20, 1/2) <= 8) = 0.5034446716308594 (scipy wilcoxon with PermutationMethod and binomtest).
    const before = [...new Array(12).fill(1), ...new Array(8).fill(0)];
    const after = [...new Array(12).fill(2 / 3), ...new Array(8).fill(1 / 3)];
    expect(1 - 2 / 3).not.toBe(1 / 3 - 0);
    expect(wilcoxonSignedRank(after, before).p).toBeCloseTo(0.5034446716308594, 12);
  });

  it('counts pairs equal up to rounding as zero differences', () => {
    const x = [0.1 + 0.2, 0.5, 0.6, 0.7, 0.8, 0.9];
    const y = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    // 5 non-zero differences, all positive: exact p = 2 / 2^5 (the 0.1 + 0.2 vs 0.3 pair is dropped).
    expect(wilcoxonSignedRank(x, y).p).toBeCloseTo(2 / 32, 12);
  });
});
