import { krippendorffAlpha } from '../../stats/krippendorff.js';
import type { JudgeEntry } from './entries.js';

export interface JudgeAgreement {
  judges: string[];
  /** Outputs scored by at least two of the judges. */
  units: number;
  /** Krippendorff's alpha, interval level; null when undefined (no variation, too few units). */
  alpha: number | null;
  note?: string;
}

/**
 * Agreement between the judges of an evaluator that has several: Krippendorff's alpha over the
 * outputs they scored (interval level: rubric scores, supported fractions, 1/0.5/0 pairwise outcomes).
 */
export function judgeAgreement(entries: JudgeEntry[]): JudgeAgreement | undefined {
  const withJudges = entries.filter((e) => e.judgeScores && e.judge.length > 1);
  if (withJudges.length === 0) return undefined;
  const judges = [...new Set(withJudges.flatMap((e) => e.judge))];
  const data = judges.map((j) =>
    withJudges.map((e) => e.judgeScores!.find((s) => s.judge === j)?.score ?? null),
  );
  const units = withJudges.filter((e) => e.judgeScores!.filter((s) => s.score !== null).length >= 2).length;
  try {
    return { judges, units, alpha: krippendorffAlpha(data, { level: 'interval' }) };
  } catch (error) {
    return { judges, units, alpha: null, note: (error as Error).message };
  }
}
