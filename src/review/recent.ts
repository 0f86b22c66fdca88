import { reviewService } from './service.js';
import { queueNamed } from './sourced.js';
import type { ReviewStore } from './store.js';

/**
 * Every queue of a project (or the ones named) with its items aggregated by the queue's own method
 * over the ratings given since `sinceMs`, flagged raters left out: the recent human labels
 * `assay dataset health` sets against a golden set's expected answers.
 *
 * @example await recentlyReviewed(store, projectId, { sinceMs: Date.now() - 90 * 86_400_000 })
 */
export async function recentlyReviewed(
  store: ReviewStore,
  projectId: string,
  options: { sinceMs: number; queues?: readonly string[] },
) {
  const service = reviewService(store);
  const queues = options.queues?.length
    ? await Promise.all(options.queues.map((q) => queueNamed(store, projectId, q, '--review-queue')))
    : await store.listQueues(projectId);
  const out = [];
  // One queue after another: each reads its items and rows whole.
  for (const q of queues)
    out.push(await service.aggregated({ projectId }, q.name, { sinceMs: options.sinceMs }));
  return out;
}
