import type { Comparison } from './analyze.js';

/**
 * The share of the smaller run's cases that must be in both runs before a comparison means anything.
 * A sample of the baseline's dataset pairs fully (100%); two different datasets that share a case or
 * two do not, and a "no significant regression" between them would be about almost nothing.
 */
export const MIN_OVERLAP = 0.5;

/** Why the two runs are too different to compare without `--allow-partial`, or null when they are not. */
export function overlapProblem(c: Comparison, min = MIN_OVERLAP): string | null {
  const o = c.overlap;
  if (o.paired > 0 && o.share >= min) return null;
  const pct = `${Math.round(o.share * 100)}%`;
  return (
    `the runs share only ${o.paired} case(s) (${pct} of the smaller run; baseline ${o.baseline} cases, ` +
    `candidate ${o.candidate}), below the ${Math.round(min * 100)}% needed: they look like different ` +
    'datasets. Compare the shared cases anyway with --allow-partial'
  );
}
