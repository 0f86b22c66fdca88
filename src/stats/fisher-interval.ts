import { zForConfidence } from './distributions.js';
import { checkConfidence, checkInteger, checkNumber, fail } from './validate.js';

export type CorrelationKind = 'pearson' | 'spearman' | 'kendall';

/**
 * Confidence interval of a correlation by Fisher's z = atanh(r), with the standard errors of Bonett &
 * Wright (2000): 1 / sqrt(n − 3) for Pearson, sqrt((1 + r²/2) / (n − 3)) for Spearman (their
 * recommendation) and sqrt(0.437 / (n − 4)) for Kendall (Fieller, Hartley & Pearson 1957). Analytic,
 * so no resample is dropped or conditioned on, as a bootstrap must when a resample has no variation.
 * Too few pairs for the formula (n <= 3, or <= 4 for Kendall) give [−1, 1].
 *
 * @example
 * fisherInterval(0.9, 5, 'spearman'); // [−0.17, 0.996]: 5 cases cannot show a correlation of 0.8
 */
export function fisherInterval(
  r: number,
  n: number,
  kind: CorrelationKind,
  confidence = 0.95,
): [number, number] {
  const fn = 'fisherInterval';
  checkNumber(fn, 'r', r);
  if (r < -1 || r > 1) fail(fn, `r must be in [-1, 1] (got ${r})`);
  checkInteger(fn, 'n', n, 1);
  checkConfidence(fn, confidence);
  const dof = kind === 'kendall' ? n - 4 : n - 3;
  if (dof <= 0) return [-1, 1];
  const se =
    kind === 'pearson'
      ? 1 / Math.sqrt(dof)
      : kind === 'spearman'
        ? Math.sqrt((1 + (r * r) / 2) / dof)
        : kind === 'kendall'
          ? Math.sqrt(0.437 / dof)
          : fail(fn, `kind must be pearson, spearman or kendall (got ${String(kind)})`);
  const z = Math.atanh(r);
  const h = zForConfidence(confidence) * se;
  return [Math.tanh(z - h), Math.tanh(z + h)];
}
