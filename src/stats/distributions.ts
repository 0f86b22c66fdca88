/**
 * Distribution functions, internal to src/stats. jStat (jstat@1.9.6) supplies the incomplete beta
 * function, log-gamma, the normal quantile and erfc; erfc's far tail (x >= 2.5, where jStat loses
 * relative accuracy and reaches 0 at x = 10) uses the classic continued fraction instead, so tiny
 * p-values stay accurate down to about 1e-300.
 */
import jStat from 'jstat';

const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);

/** Complementary error function, accurate in relative terms over the whole positive range. */
export function erfc(x: number): number {
  if (x < 2.5) return jStat.erfc(x);
  let f = x;
  for (let k = 80; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** P(Z >= z) for a standard normal Z. */
export function normalSf(z: number): number {
  return z >= 0 ? 0.5 * erfc(z / SQRT2) : 1 - 0.5 * erfc(-z / SQRT2);
}

/** Two-sided p-value of a standard normal statistic: P(|Z| >= |z|). */
export function normalTwoSided(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / SQRT2));
}

/** Quantile of the standard normal distribution, p in (0, 1). */
export function normalQuantile(p: number): number {
  if (p === 0.5) return 0;
  return jStat.normal.inv(p, 0, 1);
}

/** z for a two-sided interval of the given confidence, e.g. 1.959964 for 0.95. */
export function zForConfidence(confidence: number): number {
  return normalQuantile(1 - (1 - confidence) / 2);
}

/** Two-sided p-value of Student's t with `df` degrees of freedom: I_{df/(df+t^2)}(df/2, 1/2). */
export function tTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  if (t === 0) return 1;
  return Math.min(1, Math.max(0, jStat.ibeta(df / (df + t * t), df / 2, 0.5)));
}

/** Upper tail of the chi-square distribution with one degree of freedom. */
export function chiSquare1Sf(x: number): number {
  if (x <= 0) return 1;
  return Math.min(1, erfc(Math.sqrt(x / 2)));
}

/** Upper tail of the chi-square distribution with `df` degrees of freedom: 1 - P(df / 2, x / 2). */
export function chiSquareSf(x: number, df: number): number {
  if (x <= 0) return 1;
  if (df === 1) return chiSquare1Sf(x);
  return Math.min(1, Math.max(0, 1 - jStat.lowRegGamma(df / 2, x / 2)));
}

/**
 * Distribution of the sum of whole-number `weights` each given a plus sign with probability 1/2,
 * independently (every subset equally likely): probabilities indexed by the sum, 0..sum of weights.
 * The exact null distribution of the signed-rank statistic (weights: ranks) and of the sign-flip sum
 * (weights: |differences| on a lattice).
 */
export function randomSubsetSumDistribution(weights: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]!;
  let dist = new Float64Array(total + 1);
  dist[0] = 1;
  let reach = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    const next = new Float64Array(total + 1);
    for (let s = 0; s <= reach; s++) {
      const q = dist[s]! / 2;
      if (q === 0) continue;
      next[s]! += q;
      next[s + w]! += q;
    }
    reach += w;
    dist = next;
  }
  return dist;
}

/** Natural log of the gamma function. */
export function logGamma(x: number): number {
  return jStat.gammaln(x);
}

/** Natural log of the binomial coefficient C(n, k). */
export function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/**
 * P(X <= k) for X ~ Binomial(n, 1/2). Up to n = 1000 the terms C(n, i) / 2^n are summed directly (exact
 * to rounding); above, from the largest term down in log space so nothing overflows or underflows.
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (2 * k > n) return 1 - binomialHalfCdf(n - k - 1, n);
  if (n <= 1000) {
    let term = 2 ** -n;
    let sum = term;
    for (let i = 1; i <= k; i++) {
      term = (term * (n - i + 1)) / i;
      sum += term;
    }
    return Math.min(1, sum);
  }
  const logTop = logChoose(n, k) - n * Math.LN2;
  let sum = 1;
  let ratio = 1;
  for (let i = k; i >= 1; i--) {
    ratio *= i / (n - i + 1);
    sum += ratio;
    if (ratio < 1e-17 * sum) break;
  }
  return Math.min(1, Math.exp(logTop + Math.log(sum)));
}

/**
 * Survival function of the Kolmogorov distribution, Q(lambda) = P(K > lambda)
 * = 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 lambda^2), with the theta-function form for small lambda.
 */
export function kolmogorovSf(lambda: number): number {
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    const w = (Math.PI * Math.PI) / (8 * lambda * lambda);
    let cdf = 0;
    for (let k = 1; k <= 20; k += 2) cdf += Math.exp(-k * k * w);
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * cdf));
  }
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-18 * Math.abs(sum)) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}
