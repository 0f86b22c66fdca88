import type { JudgeEntry } from './entries.js';

export interface PositionCheck {
  /** Verdicts asked in both orders (one per judge and comparison). */
  pairs: number;
  /** Those whose verdict changed with the order. */
  inconsistent: number;
  share: number;
  /** More than 20% of verdicts flip with the order. */
  warn: boolean;
}

/** Position bias: 20% of verdicts flipping with the order is the point where a pairwise result stops being trustworthy. */
export const POSITION_WARN_SHARE = 0.2;

/** The share of pairwise verdicts that change when the two answers swap places. */
export function positionCheck(entries: JudgeEntry[]): PositionCheck | undefined {
  let pairs = 0;
  let inconsistent = 0;
  for (const e of entries) {
    if (e.kind !== 'pairwise' || e.value === null) continue;
    const flags = e.judgeConsistency ?? (e.positionConsistent === undefined ? [] : [e.positionConsistent]);
    pairs += flags.length;
    inconsistent += flags.filter((f) => !f).length;
  }
  if (pairs === 0) return undefined;
  const share = inconsistent / pairs;
  return { pairs, inconsistent, share, warn: share > POSITION_WARN_SHARE };
}
