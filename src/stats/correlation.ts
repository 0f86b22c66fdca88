import { rankWithTies, tieGroups } from './descriptive.js';
import { normalTwoSided, tTwoSided } from './distributions.js';
import { checkFinite, checkResult, checkSameLength, fail } from './validate.js';

function checkPairs(fn: string, x: number[], y: number[]): void {
  checkSameLength(fn, x, y);
  checkFinite(fn, 'x', x, 2);
  checkFinite(fn, 'y', y, 2);
}

function isConstant(v: ArrayLike<number>): boolean {
  for (let i = 1; i < v.length; i++) if (v[i] !== v[0]) return false;
  return true;
}

/** Pearson's r of two equally long arrays, centred first for accuracy; throws if either is constant. */
function correlate(fn: string, x: ArrayLike<number>, y: ArrayLike<number>, names = ['x', 'y']): number {
  const n = x.length;
  if (isConstant(x)) fail(fn, `${names[0]} is constant, the correlation is undefined`);
  if (isConstant(y)) fail(fn, `${names[1]} is constant, the correlation is undefined`);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  checkResult(fn, sxx + syy + Math.abs(sxy));
  if (!(sxx > 0 && syy > 0)) fail(fn, 'the values are too close to constant for a correlation');
  // sqrt(sxx * syy) rounds best (r = 1 exactly for exact lines) but may overflow or underflow.
  const product = Math.sqrt(sxx * syy);
  const denom = product > 0 && Number.isFinite(product) ? product : Math.sqrt(sxx) * Math.sqrt(syy);
  const r = checkResult(fn, sxy / denom);
  return Math.max(-1, Math.min(1, r));
}

/** Two-sided p-value of a correlation r on n pairs, via t = r sqrt((n - 2) / (1 - r^2)) with n - 2 df. */
function correlationP(r: number, n: number): number {
  if (n <= 2) return 1;
  const oneMinusR2 = (1 - r) * (1 + r);
  if (oneMinusR2 <= 0) return 0;
  return tTwoSided(r * Math.sqrt((n - 2) / oneMinusR2), n - 2);
}

/**
 * Pearson's product-moment correlation with the two-sided p-value of the t test (n - 2 df), as
 * scipy.stats.pearsonr. Needs at least 2 pairs (p = 1 for exactly 2); throws if x or y is constant.
 *
 * @example
 * pearson([1, 2, 3, 4, 5, 6, 7], [10, 9, 2.5, 6, 4, 3, 2]); // { r: -0.8285, p: 0.0213 }
 */
export function pearson(x: number[], y: number[]): { r: number; p: number } {
  checkPairs('pearson', x, y);
  const r = correlate('pearson', x, y);
  return { r, p: correlationP(r, x.length) };
}

/**
 * Spearman's rank correlation: Pearson's r of the ranks, ties given average ranks, with the two-sided
 * p-value of the t approximation (n - 2 df), as scipy.stats.spearmanr.
 *
 * @example
 * spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]); // { rho: 0.8208, p: 0.0886 }
 */
export function spearman(x: number[], y: number[]): { rho: number; p: number } {
  checkPairs('spearman', x, y);
  const rho = correlate('spearman', rankWithTies(x).ranks, rankWithTies(y).ranks);
  return { rho, p: correlationP(rho, x.length) };
}

/** Dense 0-based ranks of values (tied values, as `tieGroups` ties them, share a rank). */
function denseRanks(values: readonly number[]): Int32Array {
  const { order, ends } = tieGroups(values);
  const out = new Int32Array(values.length);
  let i = 0;
  ends.forEach((end, rank) => {
    for (; i < end; i++) out[order[i]!] = rank;
  });
  return out;
}

/** Tie sums over groups of equal values: t(t-1)/2, t(t-1)(t-2), t(t-1)(2t+5). */
function tieSums(dense: Int32Array): [number, number, number] {
  const counts = new Map<number, number>();
  for (const v of dense) counts.set(v, (counts.get(v) ?? 0) + 1);
  let pairs = 0;
  let v0 = 0;
  let v1 = 0;
  for (const t of counts.values()) {
    if (t < 2) continue;
    pairs += (t * (t - 1)) / 2;
    v0 += t * (t - 1) * (t - 2);
    v1 += t * (t - 1) * (2 * t + 5);
  }
  return [pairs, v0, v1];
}

/** Number of inversions (strictly decreasing pairs) in `a`, by merge sort; sorts `a` in place. */
function countInversions(a: Int32Array): number {
  const n = a.length;
  let buf: Int32Array = new Int32Array(n);
  let src: Int32Array = a;
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (src[j]! < src[i]!) {
          swaps += mid - i;
          buf[k++] = src[j++]!;
        } else {
          buf[k++] = src[i++]!;
        }
      }
      while (i < mid) buf[k++] = src[i++]!;
      while (j < hi) buf[k++] = src[j++]!;
    }
    [src, buf] = [buf, src];
  }
  if (src !== a) a.set(src);
  return swaps;
}

/**
 * Exact two-sided p-value for Kendall's tau without ties: twice the probability of at most `c` inversions
 * in a random permutation of n (Kendall 1970), by the normalised Mahonian recurrence.
 */
function kendallExactP(n: number, c: number): number {
  const total = (n * (n - 1)) / 2;
  c = Math.min(c, total - c);
  if (4 * c === n * (n - 1)) return 1;
  let dist = new Float64Array(c + 1);
  dist[0] = 1;
  for (let j = 2; j <= n; j++) {
    // P_j(k) = (1/j) sum_{i=0}^{j-1} P_{j-1}(k - i): a sliding window sum.
    const next = new Float64Array(c + 1);
    let window = 0;
    for (let k = 0; k <= c; k++) {
      window += dist[k]!;
      if (k - j >= 0) window -= dist[k - j]!;
      next[k] = window / j;
    }
    dist = next;
  }
  let cdf = 0;
  for (let k = 0; k <= c; k++) cdf += dist[k]!;
  return Math.min(1, 2 * cdf);
}

/**
 * Kendall's tau-b (ties corrected) in O(n log n) (Knight 1966), with the two-sided p-value as
 * scipy.stats.kendalltau's 'auto' method: exact when there are no ties and n <= 33 (or at most one
 * discordant/concordant pair), otherwise the normal approximation with the tie-corrected variance.
 * Throws if x or y is constant.
 *
 * @example
 * kendallTau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]); // { tau: -0.4714, p: 0.2827 }
 */
export function kendallTau(x: number[], y: number[]): { tau: number; p: number } {
  const fn = 'kendallTau';
  checkPairs(fn, x, y);
  const n = x.length;
  const rx = denseRanks(x);
  const ry = denseRanks(y);
  // Order by x, then y; the inversions of y in that order are the discordant pairs.
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => rx[a]! - rx[b]! || ry[a]! - ry[b]!);
  const ys = new Int32Array(n);
  let jointTies = 0;
  let run = 1;
  for (let i = 0; i < n; i++) {
    const o = order[i]!;
    ys[i] = ry[o]!;
    if (i > 0) {
      const prev = order[i - 1]!;
      if (rx[o] === rx[prev] && ry[o] === ry[prev]) run++;
      else {
        jointTies += (run * (run - 1)) / 2;
        run = 1;
      }
    }
  }
  jointTies += (run * (run - 1)) / 2;
  const discordant = countInversions(ys);
  const [xTies, x0, x1] = tieSums(rx);
  const [yTies, y0, y1] = tieSums(ry);
  const total = (n * (n - 1)) / 2;
  if (xTies === total) fail(fn, 'x is constant, tau is undefined');
  if (yTies === total) fail(fn, 'y is constant, tau is undefined');
  const conMinusDis = total - xTies - yTies + jointTies - 2 * discordant;
  const tau = Math.max(-1, Math.min(1, conMinusDis / Math.sqrt(total - xTies) / Math.sqrt(total - yTies)));
  let p: number;
  if (xTies === 0 && yTies === 0 && (n <= 33 || Math.min(discordant, total - discordant) <= 1)) {
    p = kendallExactP(n, discordant);
  } else {
    const m = n * (n - 1);
    const variance =
      (m * (2 * n + 5) - x1 - y1) / 18 + (2 * xTies * yTies) / m + (x0 * y0) / (9 * m * (n - 2));
    p = normalTwoSided(conMinusDis / Math.sqrt(variance));
  }
  return { tau, p };
}
