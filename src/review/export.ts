import type { ReviewedFrom } from '../core/case.js';
import type { AggregatedItem } from './aggregate.js';
import type { Item, Queue } from './model.js';
import { isRunSource } from './model.js';

/** An item with its aggregated labels, as `reviewService().aggregated` returns them. */
export type AggregatedReviewItem = Item & { aggregate: AggregatedItem };

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One reviewed item as a golden case: the aggregated labels as `expected` rubric scores,
 * `origin: review`, and `reviewedFrom` (queue, item, method, ratings, and the run case or trace it
 * was made from). An item made from an eval result is asked with the case's own variables
 * (`question`, …), so the suite that made the run evaluates the exported set as it is; any other
 * item keeps `input`. No export time is written: the same labels give the same dataset version.
 * What `GET queues/{q}/export` and `assay review export` both write.
 *
 * @example exportRow(queue, item) // { id, question, output, expected: { scores: { accuracy: 4.5 } }, origin: 'review', … }
 */
export function exportRow(queue: Queue, item: AggregatedReviewItem) {
  const source = isObj(item.source) ? item.source : {};
  const fromRun = isRunSource(source) && isObj(source.vars);
  const tags = isObj(source.tags) ? (source.tags as Record<string, string>) : undefined;
  const reviewedFrom: ReviewedFrom = {
    queue: queue.name,
    item: item.id,
    aggregation: item.consensus ? 'consensus' : queue.aggregation,
    ratings: item.aggregate.n,
    ...(fromRun
      ? {
          runId: String(source.runId),
          caseId: String(source.caseId),
          target: String(source.target),
        }
      : {}),
    ...(typeof source.traceId === 'string' ? { traceId: source.traceId } : {}),
  };
  return {
    id: item.id,
    ...(fromRun ? (source.vars as Record<string, unknown>) : { input: item.input }),
    output: item.output,
    ...(item.outputs ? { outputs: item.outputs } : {}),
    ...(item.contexts ? { contexts: item.contexts } : {}),
    ...(item.reference !== undefined ? { reference: item.reference } : {}),
    ...(fromRun && Array.isArray(source.sources) ? { sources: source.sources } : {}),
    expected: { scores: item.aggregate.scores },
    ratings: item.aggregate.n,
    ...(tags && Object.keys(tags).length ? { tags } : {}),
    origin: 'review' as const,
    reviewedFrom,
  };
}

/** Whether an item has labels to export: an aggregate of at least one rating, or a consensus. */
export function isLabelled(item: AggregatedReviewItem): boolean {
  return Object.keys(item.aggregate.scores).length > 0;
}
