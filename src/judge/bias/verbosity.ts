import { spearman } from '../../stats/correlation.js';
import type { JudgeEntry } from './entries.js';

export interface VerbosityCheck {
  n: number;
  /** Spearman's rho between output length (words) and the judge's score; null when undefined. */
  rho: number | null;
  p: number | null;
  /** The score rises with length: rho ≥ 0.3 and p < 0.05. */
  warn: boolean;
  note?: string;
}

/** A moderate rank correlation: below it, length explains little of the scores. */
export const VERBOSITY_WARN_RHO = 0.3;

/**
 * Verbosity bias: Spearman correlation between the length of what was graded and the score (for
 * pairwise, the length difference between the two sides and the outcome). A high correlation is not
 * proof of bias — complete answers are often longer — but it says to read the long, high-scored
 * answers before trusting the judge.
 */
export function verbosityCheck(entries: JudgeEntry[]): VerbosityCheck {
  const scored = entries.filter((e) => e.value !== null);
  const n = scored.length;
  if (n < 5) return { n, rho: null, p: null, warn: false, note: 'fewer than 5 scores' };
  const lengths = scored.map((e) => e.length);
  const values = scored.map((e) => e.raw ?? e.value!);
  if (new Set(lengths).size < 2)
    return { n, rho: null, p: null, warn: false, note: 'every output has the same length' };
  if (new Set(values).size < 2)
    return { n, rho: null, p: null, warn: false, note: 'every score is the same' };
  const { rho, p } = spearman(lengths, values);
  return { n, rho, p, warn: rho >= VERBOSITY_WARN_RHO && p < 0.05 };
}
