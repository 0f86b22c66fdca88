import { spearman } from './correlation.js';
import { fisherInterval } from './fisher-interval.js';
import type { Interval } from './intervals.js';
import { checkConfidence, fail } from './validate.js';

/**
 * Spearman's rho with its confidence interval by Fisher's z and the Bonett–Wright (2000) standard
 * error sqrt((1 + rho²/2) / (n − 3)), as `assay calibrate` computes it. Analytic: a bootstrap must
 * drop the resamples in which a side is constant (rho undefined), and conditioning on the others
 * narrows the interval exactly when the data are few or heavily tied. Ties get average ranks; they
 * lower the attainable rho and make the interval conservative (docs/statistics.md has the figures).
 * Needs at least 3 pairs; throws when a side is constant (to within floating-point noise); with 3
 * pairs the interval is [−1, 1].
 *
 * @example
 * spearmanInterval([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 4, 3, 6, 5, 8, 7]); // { estimate: 0.905, lo: 0.428, hi: 0.988, n: 8 }
 */
export function spearmanInterval(
  x: number[],
  y: number[],
  opts: { confidence?: number } = {},
): Interval & { n: number } {
  const fn = 'spearmanInterval';
  if (x.length < 3) fail(fn, `needs at least 3 pairs (got ${x.length})`);
  const confidence = opts.confidence ?? 0.95;
  checkConfidence(fn, confidence);
  const estimate = spearman(x, y).rho;
  const [lo, hi] = fisherInterval(estimate, x.length, 'spearman', confidence);
  return { estimate, lo, hi, n: x.length };
}
