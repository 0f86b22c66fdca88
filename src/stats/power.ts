import { normalQuantile } from './distributions.js';
import { checkNumber, checkProbability, fail } from './validate.js';

export interface PairedSampleSizeOptions {
  /** Pass rate of the baseline, in (0, 1). */
  baselineRate: number;
  /** Smallest change in the pass rate worth detecting (candidate - baseline), non-zero. */
  mde: number;
  /** Two-sided significance level (default 0.05). */
  alpha?: number;
  /** Probability of detecting a true change of `mde` (default 0.8). */
  power?: number;
  /**
   * Share of cases whose outcome differs between the runs (pass in one, fail in the other), when known
   * from a pilot. Default: p1 (1 - p2) + p2 (1 - p1), what independent runs would give; real runs of the
   * same cases agree more, so the default errs on the side of more cases.
   */
  discordance?: number;
}

function checkRates(fn: string, opts: { baselineRate: number; mde: number; alpha?: number; power?: number }) {
  if (typeof opts !== 'object' || opts === null) fail(fn, 'options are required');
  const alpha = opts.alpha ?? 0.05;
  const power = opts.power ?? 0.8;
  checkProbability(fn, 'baselineRate', opts.baselineRate, true);
  checkNumber(fn, 'mde', opts.mde);
  if (opts.mde === 0) fail(fn, 'mde must not be 0');
  const p2 = opts.baselineRate + opts.mde;
  if (!(p2 >= 0 && p2 <= 1)) fail(fn, `baselineRate + mde must be in [0, 1] (got ${p2})`);
  checkProbability(fn, 'alpha', alpha, true);
  checkProbability(fn, 'power', power, true);
  return { p1: opts.baselineRate, p2, zAlpha: normalQuantile(1 - alpha / 2), zBeta: normalQuantile(power) };
}

/**
 * Number of paired cases needed for McNemar's test to detect a change of `mde` in a pass rate (both
 * runs on the same cases), by Connor's (1987) formula:
 * n = (z_{1-alpha/2} sqrt(psi) + z_{power} sqrt(psi - mde^2))^2 / mde^2, rounded up, where psi is the
 * discordance (share of discordant pairs). Two-sided alpha; normal approximation, no continuity correction.
 *
 * @example
 * pairedSampleSize({ baselineRate: 0.7, mde: 0.05 }); // 1254 (psi = 0.4, as if the runs were independent)
 * pairedSampleSize({ baselineRate: 0.7, mde: 0.05, discordance: 0.1 }); // 312
 */
export function pairedSampleSize(opts: PairedSampleSizeOptions): number {
  const fn = 'pairedSampleSize';
  const { p1, p2, zAlpha, zBeta } = checkRates(fn, opts);
  const delta = opts.mde;
  const discordance = opts.discordance ?? p1 * (1 - p2) + p2 * (1 - p1);
  checkNumber(fn, 'discordance', discordance);
  if (!(discordance >= Math.abs(delta) && discordance <= 1)) {
    fail(fn, `discordance must be between |mde| and 1 (got ${discordance} with mde ${delta})`);
  }
  const root = zAlpha * Math.sqrt(discordance) + zBeta * Math.sqrt(discordance - delta * delta);
  return Math.ceil((root * root) / (delta * delta) - 1e-9);
}

export interface TwoProportionsOptions {
  /** Pass rate of the baseline group, in (0, 1). */
  baselineRate: number;
  /** Smallest change in the pass rate worth detecting, non-zero. */
  mde: number;
  /** Two-sided significance level (default 0.05). */
  alpha?: number;
  /** Probability of detecting a true change of `mde` (default 0.8). */
  power?: number;
}

/**
 * Cases needed in each of two independent groups (e.g. two runs on different cases) to detect a change
 * of `mde` in a pass rate with the two-proportion z test, by the usual formula without continuity
 * correction (Fleiss, Levin & Paik 2003, ch. 4):
 * n = (z_{1-alpha/2} sqrt(2 pbar qbar) + z_{power} sqrt(p1 q1 + p2 q2))^2 / (p2 - p1)^2, rounded up.
 *
 * @example
 * sampleSizeTwoProportions({ baselineRate: 0.5, mde: 0.1 }); // 388 per group
 */
export function sampleSizeTwoProportions(opts: TwoProportionsOptions): number {
  const { p1, p2, zAlpha, zBeta } = checkRates('sampleSizeTwoProportions', opts);
  const pBar = (p1 + p2) / 2;
  const root = zAlpha * Math.sqrt(2 * pBar * (1 - pBar)) + zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((root * root) / ((p2 - p1) * (p2 - p1)) - 1e-9);
}
