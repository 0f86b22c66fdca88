import type { ResultRecord } from '../../core/run.js';
import { wordCount } from '../blocks.js';

/** One judge score of a run, with what the bias checks need. */
export interface JudgeEntry {
  caseId: string;
  target: string;
  kind: 'rubric' | 'factuality' | 'pairwise';
  judge: string[];
  /** 0..1, or null when the judge gave no usable verdict. */
  value: number | null;
  /** Rubric: the score on its own scale (the mean when several judges). */
  raw?: number;
  scale?: [number, number];
  /** Words in the output graded (pairwise: this side minus the other side). */
  length: number;
  positionConsistent?: boolean;
  /** Pairwise with several judges: each judge's consistency. */
  judgeConsistency?: boolean[];
  /** Several judges: each judge's own score, for their agreement. */
  judgeScores?: { judge: string; score: number | null }[];
  sameFamily: boolean;
}

const KINDS = new Set(['rubric', 'factuality', 'pairwise']);

/** The judge scores of a run, grouped by score name (`rubric.accuracy`, `pairwise`…). */
export function judgeEntries(results: Iterable<ResultRecord>): Map<string, JudgeEntry[]> {
  const out = new Map<string, JudgeEntry[]>();
  for (const r of results) addJudgeEntries(out, r);
  return out;
}

/** Adds one result's judge scores to `out`: results can be streamed from a store, not held. */
export function addJudgeEntries(out: Map<string, JudgeEntry[]>, r: ResultRecord): void {
  for (const s of r.scores) {
    const d = s.details;
    if (!d || !KINDS.has(d.kind as string)) continue;
    const kind = d.kind as JudgeEntry['kind'];
    const lengths = d.lengths as { self?: number; other?: number } | undefined;
    const judges = Array.isArray(d.judges) ? (d.judges as Record<string, unknown>[]) : undefined;
    const entry: JudgeEntry = {
      caseId: r.caseId,
      target: r.target,
      kind,
      judge: Array.isArray(d.judge) ? (d.judge as string[]) : [String(d.judge)],
      value: s.value,
      length:
        kind === 'pairwise' && lengths
          ? (lengths.self ?? 0) - (lengths.other ?? 0)
          : wordCount(r.output?.text ?? ''),
      sameFamily: d.sameFamily === true,
    };
    if (typeof d.raw === 'number') entry.raw = d.raw;
    if (Array.isArray(d.scale)) entry.scale = d.scale as [number, number];
    if (typeof d.positionConsistent === 'boolean') entry.positionConsistent = d.positionConsistent;
    if (judges) {
      entry.judgeScores = judges.map((j) => ({
        judge: String(j.judge),
        score: typeof j.score === 'number' ? j.score : null,
      }));
      if (kind === 'pairwise') entry.judgeConsistency = judges.map((j) => j.positionConsistent === true);
    }
    let list = out.get(s.evaluator);
    if (!list) {
      list = [];
      out.set(s.evaluator, list);
    }
    list.push(entry);
  }
}
