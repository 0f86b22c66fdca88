import jStat from 'jstat';
import { logChoose } from './distributions.js';
import { mcnemar } from './paired-tests.js';
import { pairedSampleSize } from './power.js';
import { checkInteger, checkNumber, checkProbability, fail } from './validate.js';

export interface McNemarPowerOptions {
  /** Pass rate of the baseline, in (0, 1). */
  baselineRate: number;
  /** Change in the pass rate to detect (candidate − baseline), non-zero. */
  mde: number;
  /** Share of cases whose outcome differs between the runs; default p1 (1 − p2) + p2 (1 − p1). */
  discordance?: number;
  /** Two-sided level the p-value must fall below (default 0.05). */
  alpha?: number;
}

function resolve(fn: string, o: McNemarPowerOptions) {
  if (typeof o !== 'object' || o === null) fail(fn, 'options are required');
  checkProbability(fn, 'baselineRate', o.baselineRate, true);
  checkNumber(fn, 'mde', o.mde);
  if (o.mde === 0) fail(fn, 'mde must not be 0');
  const p1 = o.baselineRate;
  const p2 = p1 + o.mde;
  if (!(p2 >= 0 && p2 <= 1)) fail(fn, `baselineRate + mde must be in [0, 1] (got ${p2})`);
  const alpha = o.alpha ?? 0.05;
  checkProbability(fn, 'alpha', alpha, true);
  const psi = o.discordance ?? p1 * (1 - p2) + p2 * (1 - p1);
  checkNumber(fn, 'discordance', psi);
  if (!(psi >= Math.abs(o.mde) && psi <= 1))
    fail(fn, `discordance must be between |mde| and 1 (got ${psi} with mde ${o.mde})`);
  return { psi, delta: o.mde, alpha };
}

/** P(X <= k), X ~ Binomial(d, q), by the regularized incomplete beta I_{1−q}(d − k, k + 1). */
function binomialCdf(k: number, d: number, q: number): number {
  if (k < 0) return 0;
  if (k >= d) return 1;
  if (q <= 0) return 1;
  if (q >= 1) return 0;
  return jStat.ibeta(1 - q, d - k, k + 1);
}

/**
 * The largest count k <= d / 2 of the rarer kind of discordant pair at which `mcnemar` (exact up to
 * 25 discordant pairs, corrected chi-square above: the test `assay compare` runs) rejects at alpha,
 * or −1. The test is symmetric and its p falls as k moves away from d / 2, so a bisection finds it.
 */
function rejectionBound(d: number, alpha: number): number {
  if (d === 0 || !(mcnemar(d, 0).p < alpha)) return -1;
  let lo = 0; // rejects
  let hi = Math.floor(d / 2) + 1; // does not (or past the middle)
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (mcnemar(d - mid, mid).p < alpha) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Exact power of McNemar's test as `assay compare` runs it (exact binomial up to 25 discordant
 * pairs, Edwards-corrected chi-square above; reject when p < alpha) on n paired cases. The number of
 * discordant pairs D is Binomial(n, psi); given D = d the fail→pass pairs are Binomial(d, (psi + mde) /
 * (2 psi)). Power = sum_d P(D = d) P(reject | d), summed over the d within 12 standard deviations of
 * n psi (the rest weighs under 1e-30).
 *
 * @example
 * mcnemarPower(2039, { baselineRate: 0.85, mde: 0.03 }); // 0.788: Connor's n falls short of 0.8
 */
export function mcnemarPower(n: number, opts: McNemarPowerOptions): number {
  const fn = 'mcnemarPower';
  checkInteger(fn, 'n', n, 1);
  const { psi, delta, alpha } = resolve(fn, opts);
  const up = (psi + delta) / (2 * psi); // share of discordant pairs that went fail → pass
  const sd = Math.sqrt(n * psi * (1 - psi));
  const from = Math.max(0, Math.floor(n * psi - 12 * sd) - 1);
  const to = Math.min(n, Math.ceil(n * psi + 12 * sd) + 1);
  let power = 0;
  for (let d = from; d <= to; d++) {
    const k = rejectionBound(d, alpha);
    if (k < 0) continue;
    const pd =
      psi >= 1
        ? d === n
          ? 1
          : 0
        : Math.exp(logChoose(n, d) + d * Math.log(psi) + (n - d) * Math.log1p(-psi));
    if (pd === 0) continue;
    // Reject when the fail→pass count c <= k or c >= d − k (then the pass→fail count is <= k).
    const low = binomialCdf(k, d, up);
    const high = 2 * k >= d ? 0 : binomialCdf(k, d, 1 - up);
    power += pd * Math.min(1, low + high);
  }
  return Math.min(1, power);
}

export interface McNemarSampleSizeOptions extends McNemarPowerOptions {
  /** Power wanted (default 0.8). */
  power?: number;
  /**
   * Rows in the comparison's Holm family (metrics × strata, default 1). Holm's first step compares the
   * smallest p with alpha / family, so a change that shows in one row only must reach that.
   */
  family?: number;
}

/**
 * Paired cases for McNemar's test, as `assay compare` runs it, to detect a change of `mde` with the
 * given power: the n found by bisection at which the exact power (`mcnemarPower`, at alpha / family)
 * reaches the target and the n below does not. Power is not quite monotone in n for a discrete test,
 * so a slightly smaller n may also reach it; this one does. Connor's normal approximation
 * (`pairedSampleSize`) starts the search: it undershoots by a few per cent (power 0.76–0.79).
 *
 * @example
 * mcnemarSampleSize({ baselineRate: 0.85, mde: 0.03 }); // { n: 2100, power: 0.800…, alpha: 0.05 }
 */
export function mcnemarSampleSize(opts: McNemarSampleSizeOptions): {
  n: number;
  power: number;
  alpha: number;
} {
  const fn = 'mcnemarSampleSize';
  const family = opts.family ?? 1;
  checkInteger(fn, 'family', family, 1);
  const target = opts.power ?? 0.8;
  checkProbability(fn, 'power', target, true);
  const { psi, alpha } = resolve(fn, opts);
  const at = { ...opts, discordance: psi, alpha: alpha / family };
  const power = (n: number) => mcnemarPower(n, at);
  const start = pairedSampleSize({
    baselineRate: opts.baselineRate,
    mde: opts.mde,
    discordance: psi,
    alpha: at.alpha,
    power: target,
  });
  let lo = Math.max(1, Math.floor(start * 0.9));
  while (lo > 1 && power(lo) >= target) lo = Math.max(1, Math.floor(lo / 2));
  let hi = Math.max(lo + 1, start);
  let grow = 0;
  while (power(hi) < target) {
    lo = hi;
    hi = Math.ceil(hi * 1.25) + 1;
    if (++grow > 60) fail(fn, 'no sample size reaches the power asked for');
  }
  if (lo === 1 && power(1) >= target) return { n: 1, power: power(1), alpha: at.alpha };
  // power(lo) < target <= power(hi)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (power(mid) >= target) hi = mid;
    else lo = mid;
  }
  return { n: hi, power: power(hi), alpha: at.alpha };
}
