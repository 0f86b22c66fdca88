import { AssayError } from '../core/errors.js';
import type { LabelRow as HumanLabel } from '../judge/calibration/labels.js';
import { aggregateKey } from '../judge/calibration/select.js';
import type { AggregatedReviewItem } from './export.js';
import type { LabelRow, Queue } from './model.js';
import { isRunSource } from './model.js';

export interface ReviewCalibrationInput {
  queue: Queue;
  /** Items with their aggregated labels, and the ratings that went into them (`reviewService().aggregated`). */
  items: AggregatedReviewItem[];
  rows: LabelRow[];
  /** The judge score names of the run (`rubric.accuracy`, …). */
  scoreNames: string[];
  /** `--evaluator`: the one judge score to calibrate. */
  evaluator?: string;
  /** The run's output text per `target\0caseId`: an item is paired only with the output it showed. */
  outputs: Map<string, string>;
}

export interface ReviewLabels {
  /** Every counted rating, as `assay calibrate --labels` rows (rater: the person's id). */
  labels: HumanLabel[];
  /** The queue's aggregated label per `target\0caseId\0dimension`: what the judge is compared with. */
  aggregated: Map<string, number>;
  notes: string[];
}

/**
 * A review queue's labels as calibration input: for each item made from one of the run's outputs
 * (same case, target and answer), each counted rating on each scale dimension that names a judge
 * score (`accuracy` ↔ `rubric.accuracy`), and the queue's aggregate of them (mean, median or a
 * consensus). Label dimensions have no numeric scale to correlate and are left out, with a note.
 */
export function reviewCalibrationLabels(input: ReviewCalibrationInput): ReviewLabels {
  const { queue, scoreNames, evaluator } = input;
  const notes: string[] = [];
  const scales = queue.dimensions.filter((d) => 'scale' in d).map((d) => d.name);
  const others = queue.dimensions.filter((d) => !('scale' in d)).map((d) => d.name);
  const known = scoreNames.length ? scoreNames.join(', ') : 'none';
  if (scales.length === 0)
    throw new AssayError(
      'input.invalid',
      `review queue "${queue.name}" has no scale dimension to compare with a judge score (it has labels: ${others.join(', ')})`,
      { field: '--review' },
    );
  const matches = (score: string, dim: string) => score === dim || score.endsWith(`.${dim}`);
  // Which dimension feeds which judge score.
  const plan = new Map<string, string>();
  if (evaluator !== undefined) {
    const dim = scales.find((d) => matches(evaluator, d)) ?? (scales.length === 1 ? scales[0] : undefined);
    if (!dim)
      throw new AssayError(
        'input.invalid',
        `no scale dimension of review queue "${queue.name}" (${scales.join(', ')}) is for "${evaluator}"`,
        { field: '--evaluator' },
      );
    plan.set(dim, evaluator);
  } else {
    for (const dim of scales) {
      const hit = scoreNames.filter((s) => matches(s, dim));
      if (hit.length === 1) plan.set(dim, hit[0]!);
      else if (hit.length > 1)
        notes.push(`dimension ${dim} matches several judge scores (${hit.join(', ')}): pass --evaluator`);
      else notes.push(`dimension ${dim} has no judge score in this run`);
    }
    if (plan.size === 0)
      throw new AssayError(
        'input.invalid',
        `no judge score of the run matches a dimension of review queue "${queue.name}" (${scales.join(', ')}); judge scores in the run: ${known}. Pass --evaluator`,
        { field: '--review' },
      );
  }
  if (others.length) notes.push(`label dimensions left out (no numeric scale): ${others.join(', ')}`);

  const byItem = new Map<string, LabelRow[]>();
  for (const r of input.rows) byItem.set(r.itemId, [...(byItem.get(r.itemId) ?? []), r]);
  const labels: HumanLabel[] = [];
  const aggregated = new Map<string, number>();
  let notFromRun = 0;
  let otherOutput = 0;
  for (const item of input.items) {
    const src = (item.source ?? {}) as Record<string, unknown>;
    if (!isRunSource(src) || typeof src.caseId !== 'string' || typeof src.target !== 'string') {
      notFromRun++;
      continue;
    }
    const { caseId, target } = src as { caseId: string; target: string };
    const shown = input.outputs.get(`${target}\u0000${caseId}`);
    if (shown === undefined) continue;
    if (shown !== item.output) {
      otherOutput++;
      continue;
    }
    for (const [dim, score] of plan) {
      const agg = item.aggregate.scores[dim];
      if (typeof agg !== 'number') continue;
      aggregated.set(aggregateKey(target, caseId, score), agg);
      for (const r of byItem.get(item.id) ?? []) {
        const v = r.scores?.[dim];
        if (typeof v === 'number')
          labels.push({ caseId, dimension: score, score: v, rater: r.userId, target, line: item.seq });
      }
      // A consensus with no counted rating still says what the humans settled on.
      if (!(byItem.get(item.id) ?? []).some((r) => typeof r.scores?.[dim] === 'number'))
        labels.push({ caseId, dimension: score, score: agg, rater: 'consensus', target, line: item.seq });
    }
  }
  if (notFromRun) notes.push(`${notFromRun} item(s) of the queue were not made from eval results`);
  if (otherOutput)
    notes.push(`${otherOutput} item(s) showed another answer than this run's for the same case: left out`);
  if (labels.length === 0)
    throw new AssayError(
      'input.invalid',
      `review queue "${queue.name}" has no labelled item made from this run's outputs`,
      { field: '--review' },
    );
  return { labels, aggregated, notes };
}
