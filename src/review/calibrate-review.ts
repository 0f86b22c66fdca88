import type { Store } from '../core/store.js';
import { type ReviewLabels, reviewCalibrationLabels } from './calibration-labels.js';
import { reviewService } from './service.js';
import { queueNamed } from './sourced.js';
import type { ReviewStore } from './store.js';

/**
 * The human side of `assay calibrate --review Q --run RUN`: the queue's counted ratings and
 * aggregated labels of the items made from the run's outputs (same case, target and answer).
 */
export async function humanFromQueue(
  reviews: ReviewStore,
  runs: Pick<Store, 'results'>,
  options: { projectId: string; queue: string; runId: string; scoreNames: string[]; evaluator?: string },
): Promise<ReviewLabels> {
  const queue = await queueNamed(reviews, options.projectId, options.queue, '--review');
  const { items, rows } = await reviewService(reviews).aggregated(
    { projectId: options.projectId },
    queue.name,
  );
  const outputs = new Map<string, string>();
  for await (const r of runs.results(options.runId)) {
    if (r.repeat === 0 && r.output) outputs.set(`${r.target}\u0000${r.caseId}`, r.output.text);
  }
  return reviewCalibrationLabels({
    queue,
    items,
    rows,
    scoreNames: options.scoreNames,
    outputs,
    ...(options.evaluator ? { evaluator: options.evaluator } : {}),
  });
}
