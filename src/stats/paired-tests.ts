import { nearlyEqual, rankWithTies } from './descriptive.js';
import {
  binomialHalfCdf,
  chiSquare1Sf,
  normalTwoSided,
  randomSubsetSumDistribution,
  tTwoSided,
} from './distributions.js';
import { checkFinite, checkInteger, checkResult, checkSameLength, fail } from './validate.js';

/**
 * McNemar's test is exact (binomial) up to this many discordant pairs, the continuity-corrected
 * chi-square test above. One rule for the library, `assay compare` and `assay plan`'s power.
 */
export const MCNEMAR_EXACT_MAX = 25;

/** Whether McNemar's test on b and c discordant pairs is the exact one (b + c <= MCNEMAR_EXACT_MAX). */
export function mcnemarIsExact(b: number, c: number): boolean {
  return b + c <= MCNEMAR_EXACT_MAX;
}

export interface McNemarOptions {
  /**
   * Exact binomial test (two-sided, p = 0.5 on b of b + c). Default: exact when b + c <= 25
   * (MCNEMAR_EXACT_MAX), the chi-square test otherwise.
   */
  exact?: boolean;
  /** Edwards' continuity correction for the chi-square test (default true). */
  correction?: boolean;
}

/**
 * McNemar's test for paired binary outcomes, from the discordant counts: b = pairs that passed only in
 * the first condition, c = only in the second. Exact: p = min(1, 2 P(X <= min(b, c))), X ~ Bin(b + c, 1/2),
 * and the statistic is min(b, c) (as statsmodels). Chi-square: (|b - c| - 1)^2 / (b + c) with the
 * correction (floored at 0), (b - c)^2 / (b + c) without, on 1 df. With no discordant pairs: statistic 0, p 1.
 *
 * @example
 * mcnemar(121, 59, { exact: false, correction: false }); // { statistic: 21.36, p: 3.8e-6 }
 * mcnemar(1, 8); // exact: { statistic: 1, p: 0.0390625 }
 * mcnemar(5, 20); // 25 discordant pairs, still exact: { statistic: 5, p: 0.0041 }
 */
export function mcnemar(b: number, c: number, opts: McNemarOptions = {}): { statistic: number; p: number } {
  const fn = 'mcnemar';
  checkInteger(fn, 'b', b, 0);
  checkInteger(fn, 'c', c, 0);
  const n = b + c;
  const exact = opts.exact ?? mcnemarIsExact(b, c);
  const correction = opts.correction ?? true;
  if (exact) {
    const k = Math.min(b, c);
    return { statistic: k, p: n === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(k, n)) };
  }
  if (n === 0) return { statistic: 0, p: 1 };
  const diff = correction ? Math.max(0, Math.abs(b - c) - 1) : b - c;
  const statistic = (diff * diff) / n;
  return { statistic, p: chiSquare1Sf(statistic) };
}

/**
 * Wilcoxon signed-rank test on paired samples, two-sided. Differences d = x - y; zero differences are
 * dropped (Wilcoxon's method) and |d| ranked with average ranks for ties. The statistic is
 * min(W+, W-), as scipy.stats.wilcoxon. Pairs equal to within a relative 1e-9 count as zero
 * differences and |d| equal to within 1e-9 as ties, so floating-point noise (1 - 2/3 vs 1/3 - 0) cannot
 * break a tie that is real.
 *
 * p-value: for n <= 25 non-zero differences, exact: the permutation distribution of W+ over all 2^n sign
 * assignments of the observed ranks (the classical exact test without ties; with ties it is the exact
 * conditional test, as scipy's permutation method). For n > 25, the normal approximation with the tie
 * correction of the variance, n(n+1)(2n+1)/24 - sum(t^3 - t)/48, and no continuity correction (scipy's
 * default). Throws when every difference is zero.
 *
 * @example
 * wilcoxonSignedRank([6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75], new Array(15).fill(0));
 * // { statistic: 24, p: 0.0413 }
 */
export function wilcoxonSignedRank(x: number[], y: number[]): { statistic: number; p: number } {
  const fn = 'wilcoxonSignedRank';
  checkSameLength(fn, x, y);
  checkFinite(fn, 'x', x);
  checkFinite(fn, 'y', y);
  const d: number[] = [];
  for (let i = 0; i < x.length; i++) {
    // Equal to within floating-point noise is equal (1/3 + 1/3 vs 2/3): a zero difference.
    if (!nearlyEqual(x[i]!, y[i]!)) d.push(x[i]! - y[i]!);
  }
  const n = d.length;
  if (n === 0) fail(fn, 'every difference is zero, there is nothing to test');
  const { ranks, ties } = rankWithTies(d.map(Math.abs));
  let wPlus = 0;
  for (let i = 0; i < n; i++) if (d[i]! > 0) wPlus += ranks[i]!;
  const total = (n * (n + 1)) / 2;
  const statistic = Math.min(wPlus, total - wPlus);
  let p: number;
  if (n <= 25) {
    // Over the doubled ranks, so tied half-ranks stay whole: probabilities indexed by 2 W+.
    const doubled = Int32Array.from(ranks, (r) => Math.round(2 * r));
    const dist = randomSubsetSumDistribution(doubled);
    const w = Math.round(2 * wPlus);
    let lower = 0;
    for (let s = 0; s <= w; s++) lower += dist[s]!;
    let upper = 0;
    for (let s = w; s < dist.length; s++) upper += dist[s]!;
    p = Math.min(1, 2 * Math.min(lower, upper));
  } else {
    let tieSum = 0;
    for (const t of ties) tieSum += t * t * t - t;
    const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieSum / 48;
    p = normalTwoSided((wPlus - total / 2) / Math.sqrt(variance));
  }
  return { statistic, p };
}

/**
 * Paired t test, two-sided, on the differences d = x - y: t = mean(d) / (sd(d) / sqrt(n)), df = n - 1
 * (a positive t means x is larger). Needs 2 pairs; throws when the differences have no variance.
 *
 * @example
 * // Student's (1908) sleep data, R's `t.test(extra ~ group, data = sleep, paired = TRUE)`:
 * pairedTTest(group1, group2); // { t: -4.0621, df: 9, p: 0.002833 }
 */
export function pairedTTest(x: number[], y: number[]): { t: number; df: number; p: number } {
  const fn = 'pairedTTest';
  checkSameLength(fn, x, y);
  checkFinite(fn, 'x', x, 2);
  checkFinite(fn, 'y', y, 2);
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i]! - y[i]!;
  const m = sum / n;
  let ss = 0;
  let allEqual = true;
  const first = x[0]! - y[0]!;
  for (let i = 0; i < n; i++) {
    const di = x[i]! - y[i]!;
    if (di !== first) allEqual = false;
    ss += (di - m) * (di - m);
  }
  if (allEqual || !(ss > 0)) fail(fn, 'the differences x - y have zero variance, t is undefined');
  const df = n - 1;
  const t = checkResult(fn, m / Math.sqrt(ss / df / n));
  return { t, df, p: tTwoSided(t, df) };
}
