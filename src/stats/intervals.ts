import { zForConfidence } from './distributions.js';
import { checkConfidence, checkNumber, fail } from './validate.js';

/** A point estimate with the bounds of its confidence interval. */
export interface Interval {
  estimate: number;
  lo: number;
  hi: number;
}

/** Wilson score interval for proportion `p` out of `n` trials (n may be an effective, fractional n). */
export function wilsonBounds(p: number, n: number, z: number): [number, number] {
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/**
 * Wilson score interval (Wilson 1927) for a binomial proportion; good coverage even for small n and
 * rates near 0 or 1, unlike the normal (Wald) interval.
 *
 * @example
 * wilson(81, 263); // [0.2553, 0.3662] (Newcombe 1998, Table I)
 * wilson(0, 20, 0.95); // [0, 0.1611]
 */
export function wilson(successes: number, n: number, confidence = 0.95): [number, number] {
  const fn = 'wilson';
  checkNumber(fn, 'successes', successes);
  checkNumber(fn, 'n', n);
  if (n <= 0) fail(fn, `n must be positive (got ${n})`);
  if (successes < 0 || successes > n)
    fail(fn, `successes must be between 0 and n (got ${successes} of ${n})`);
  checkConfidence(fn, confidence);
  return wilsonBounds(successes / n, n, zForConfidence(confidence));
}

/** Successes out of trials for one case (cluster) run several times. */
export interface ClusterCount {
  successes: number;
  n: number;
}

/** A clustered pass rate with its interval and the design effect behind it. */
export interface ClusteredInterval extends Interval {
  /** Variance inflation from treating trials of one case as independent (>= 1). */
  designEffect: number;
  /** Total trials divided by the design effect: how many independent trials the data are worth. */
  effectiveN: number;
}

/**
 * A pass rate over cases each run several times, with a confidence interval that accounts for trials of
 * the same case being correlated.
 *
 * Method: the estimate is the pooled rate p = sum(successes) / sum(n) (a ratio estimator). Its variance is
 * the cluster-robust (sandwich, CR1) one, V = G / (G - 1) * sum_g (s_g - p n_g)^2 / N^2 for G cases and N
 * trials. The design effect (Kish 1965) deff = V / (p (1 - p) / N), kept within [1, N], turns the N trials
 * into an effective sample size N / deff, and the interval is the Wilson score interval at that size.
 * When the variance cannot be estimated (a single case, or p = 0 or 1, where every trial agreed) each case
 * counts as one observation: effective n = G. With one trial per case deff = G / (G - 1), so the interval
 * is the plain Wilson interval up to that small-sample factor.
 *
 * @example
 * clusteredProportion([{ successes: 3, n: 3 }, { successes: 0, n: 3 }, { successes: 3, n: 3 }, { successes: 0, n: 3 }]);
 * // { estimate: 0.5, lo: 0.1253, hi: 0.8747, designEffect: 4, effectiveN: 3 }
 */
export function clusteredProportion(groups: ClusterCount[], confidence = 0.95): ClusteredInterval {
  const fn = 'clusteredProportion';
  if (!Array.isArray(groups) || groups.length === 0) fail(fn, 'groups is empty');
  checkConfidence(fn, confidence);
  let s = 0;
  let total = 0;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (typeof g !== 'object' || g === null) fail(fn, `groups[${i}] must be { successes, n }`);
    checkNumber(fn, `groups[${i}].successes`, g.successes);
    checkNumber(fn, `groups[${i}].n`, g.n);
    if (g.n < 0) fail(fn, `groups[${i}].n must not be negative (got ${g.n})`);
    if (g.successes < 0 || g.successes > g.n) {
      fail(fn, `groups[${i}].successes must be between 0 and n (got ${g.successes} of ${g.n})`);
    }
    s += g.successes;
    total += g.n;
  }
  if (total === 0) fail(fn, 'there are no trials (every n is 0)');
  const p = s / total;
  const clusters = groups.filter((g) => g.n > 0).length;
  let deff: number;
  if (clusters < 2 || p === 0 || p === 1) {
    deff = total / clusters;
  } else {
    let ss = 0;
    for (const g of groups) {
      const r = g.successes - p * g.n;
      ss += r * r;
    }
    const variance = ((clusters / (clusters - 1)) * ss) / (total * total);
    deff = Math.min(total, Math.max(1, variance / ((p * (1 - p)) / total)));
  }
  const effectiveN = total / deff;
  const [lo, hi] = wilsonBounds(p, effectiveN, zForConfidence(confidence));
  return { estimate: p, lo, hi, designEffect: deff, effectiveN };
}
