import { AssayError } from '../../core/errors.js';
import type { ResultRecord } from '../../core/run.js';
import type { CalibrationPair } from './calibrate.js';
import type { LabelRow } from './labels.js';

/** A judge score of a run for one case and target, averaged over repeats. */
export interface JudgedOutput {
  caseId: string;
  target: string;
  judge: number;
  reasoning?: string;
}

export interface JudgeScores {
  outputs: JudgedOutput[];
  scale?: [number, number];
  threshold?: number;
}

const KINDS = new Set(['rubric', 'factuality', 'pairwise']);

/** Every judge score of a run by score name, on its raw scale (rubric) or 0..1. */
export async function collectJudgeScores(
  results: AsyncIterable<ResultRecord>,
): Promise<Map<string, JudgeScores>> {
  const acc = new Map<
    string,
    {
      scale?: [number, number];
      threshold?: number;
      by: Map<string, { sum: number; n: number; o: JudgedOutput }>;
    }
  >();
  for await (const r of results) {
    for (const s of r.scores) {
      const d = s.details;
      if (!d || !KINDS.has(d.kind as string) || s.value === null) continue;
      let a = acc.get(s.evaluator);
      if (!a) {
        a = { by: new Map() };
        if (Array.isArray(d.scale)) a.scale = d.scale as [number, number];
        if (typeof d.threshold === 'number') a.threshold = d.threshold;
        acc.set(s.evaluator, a);
      }
      const raw = typeof d.raw === 'number' ? d.raw : s.value;
      const key = `${r.target}\u0000${r.caseId}`;
      const hit = a.by.get(key);
      if (hit) {
        hit.sum += raw;
        hit.n++;
      } else {
        const o: JudgedOutput = { caseId: r.caseId, target: r.target, judge: raw };
        if (typeof d.reasoning === 'string') o.reasoning = d.reasoning;
        else if (s.reason) o.reasoning = s.reason;
        a.by.set(key, { sum: raw, n: 1, o });
      }
    }
  }
  const out = new Map<string, JudgeScores>();
  for (const [name, a] of acc) {
    out.set(name, {
      outputs: [...a.by.values()].map(({ sum, n, o }) => ({ ...o, judge: sum / n })),
      ...(a.scale ? { scale: a.scale } : {}),
      ...(a.threshold === undefined ? {} : { threshold: a.threshold }),
    });
  }
  return out;
}

/**
 * Which judge score each label row calibrates: `--evaluator` when given, else the score whose name
 * is the row's `dimension` or ends in `.<dimension>`; rows without a dimension need the run to have
 * exactly one judge score.
 */
export function planCalibrations(
  scoreNames: string[],
  labels: LabelRow[],
  evaluator?: string,
): Map<string, LabelRow[]> {
  const plan = new Map<string, LabelRow[]>();
  const add = (name: string, row: LabelRow) => {
    const list = plan.get(name) ?? [];
    list.push(row);
    plan.set(name, list);
  };
  const known = scoreNames.length ? scoreNames.join(', ') : 'none';
  if (evaluator !== undefined) {
    if (!scoreNames.includes(evaluator))
      throw new AssayError(
        'input.invalid',
        `the run has no judge score "${evaluator}" (judge scores: ${known})`,
      );
    const short = evaluator.slice(evaluator.lastIndexOf('.') + 1);
    for (const row of labels)
      if (!row.dimension || row.dimension === evaluator || row.dimension === short) add(evaluator, row);
    if (!plan.size) throw new AssayError('input.invalid', `no label row is for "${evaluator}"`);
    return plan;
  }
  for (const row of labels) {
    const matches = row.dimension
      ? scoreNames.filter((n) => n === row.dimension || n.endsWith(`.${row.dimension}`))
      : scoreNames;
    if (matches.length !== 1) {
      const what = row.dimension ? `dimension "${row.dimension}"` : 'a row without "dimension"';
      const why =
        matches.length === 0
          ? `no judge score matches ${what}`
          : `${what} matches several judge scores (${matches.join(', ')})`;
      throw new AssayError(
        'input.invalid',
        `line ${row.line}: ${why}; judge scores in the run: ${known}. Pass --evaluator`,
      );
    }
    add(matches[0]!, row);
  }
  return plan;
}

/** Pairs each labelled case with the judge's score of the same output. */
export function pairLabels(
  scores: JudgeScores,
  labels: LabelRow[],
): { pairs: CalibrationPair[]; unmatched: string[] } {
  const byCase = new Map<string, JudgedOutput[]>();
  for (const o of scores.outputs) byCase.set(o.caseId, [...(byCase.get(o.caseId) ?? []), o]);
  const pairs = new Map<string, CalibrationPair>();
  const unmatched = new Set<string>();
  for (const row of labels) {
    const candidates = (byCase.get(row.caseId) ?? []).filter((o) => !row.target || o.target === row.target);
    if (candidates.length === 0) {
      unmatched.add(row.caseId);
      continue;
    }
    if (candidates.length > 1) {
      throw new AssayError(
        'input.invalid',
        `line ${row.line}: case "${row.caseId}" was judged for several targets (${candidates.map((c) => c.target).join(', ')}); give the label a "target"`,
      );
    }
    const o = candidates[0]!;
    const key = `${o.target}\u0000${o.caseId}`;
    let p = pairs.get(key);
    if (!p) {
      p = {
        caseId: o.caseId,
        target: o.target,
        judge: o.judge,
        ratings: [],
        ...(o.reasoning ? { reasoning: o.reasoning } : {}),
      };
      pairs.set(key, p);
    }
    p.ratings.push({ score: row.score, ...(row.rater === undefined ? {} : { rater: row.rater }) });
  }
  return { pairs: [...pairs.values()], unmatched: [...unmatched] };
}

/** The key of a human aggregate per output and judge score: `target\0caseId\0score`. */
export const aggregateKey = (target: string, caseId: string, score: string) =>
  `${target}\u0000${caseId}\u0000${score}`;

/** One judge score's labelled outputs, ready for `calibrate()`. */
export interface ScorePairs {
  evaluator: string;
  scores: JudgeScores;
  pairs: CalibrationPair[];
  /** Labelled cases the run has no such score for. */
  unmatched: string[];
}

/**
 * The run's judge scores paired with human labels, per judge score (`planCalibrations` then
 * `pairLabels`): what `assay calibrate` measures and `assay review add --disagreements` ranks.
 * `aggregated` (by `aggregateKey`) is the humans' label where it is not the ratings' mean (a review
 * queue's median or consensus).
 */
export function calibrationPairs(
  scores: Map<string, JudgeScores>,
  labels: LabelRow[],
  options: { evaluator?: string; aggregated?: Map<string, number> } = {},
): ScorePairs[] {
  const plan = planCalibrations([...scores.keys()], labels, options.evaluator);
  return [...plan].map(([evaluator, rows]) => {
    const s = scores.get(evaluator)!;
    const { pairs, unmatched } = pairLabels(s, rows);
    if (options.aggregated)
      for (const p of pairs) {
        const agg = options.aggregated.get(aggregateKey(p.target, p.caseId, evaluator));
        if (agg !== undefined) p.human = agg;
      }
    return { evaluator, scores: s, pairs, unmatched };
  });
}
