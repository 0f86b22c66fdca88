import type { MonitorConfig } from '../config/monitor.js';
import type { ItemContent } from '../review/model.js';
import type { SourcedAdd, SourcedItem } from '../review/sourced.js';
import { addSourcedItems, queueNamed } from '../review/sourced.js';
import type { ReviewStore } from '../review/store.js';
import { sampleWindow } from './sampling.js';
import type { MonitoredTrace } from './traffic.js';

export type ReviewRule = NonNullable<MonitorConfig['review']>;

/** The key of a trace's review item: the same trace is one item per queue, however often sampled. */
export const traceItemKey = (traceId: string) => `trace|${traceId}`;

/** A production trace as a review item: its input, answer and retrieved contexts, and where it came from. */
export function traceItem(trace: MonitoredTrace, segment: string): SourcedItem {
  const content: ItemContent = {
    input: trace.input,
    output: trace.output,
    ...(trace.contexts?.length ? { contexts: trace.contexts } : {}),
    source: {
      kind: 'trace',
      traceId: trace.id,
      segment,
      at: new Date(trace.timestamp).toISOString(),
      ...(trace.tags && Object.keys(trace.tags).length ? { tags: trace.tags } : {}),
      ...(trace.model ? { model: trace.model } : {}),
    },
  };
  return { key: traceItemKey(trace.id), content };
}

/**
 * The monitor's `review:` rule over windows [from, to): per window, a sample stratified by
 * `stratifyBy` at `rate` per stratum, drawn as the monitor's own sampling draws (the per-trace hash of
 * the trace id and `sampling.seed`, so the same traces on every rerun and machine; with the same seed
 * a 2% review draw is inside the 5% scoring draw of the same stratum, so reviewed traces carry online
 * scores). No minimum per stratum and no `always` rules: review effort follows traffic.
 */
export function reviewSample(
  traffic: readonly MonitoredTrace[],
  rule: ReviewRule,
  options: { seed: number; from: number; to: number; window: number },
): SourcedItem[] {
  const items: SourcedItem[] = [];
  for (let s = options.from; s < options.to; s += options.window) {
    const inWindow = traffic.filter((t) => t.timestamp >= s && t.timestamp < s + options.window);
    if (inWindow.length === 0) continue;
    const sample = sampleWindow(inWindow, {
      segments: rule.stratifyBy,
      rate: rule.rate,
      minPerSegment: 0,
      always: [],
      seed: options.seed,
    });
    const byId = new Map(inWindow.map((t) => [t.id, t]));
    for (const x of sample.sampled) items.push(traceItem(byId.get(x.traceId)!, x.segment));
  }
  return items;
}

/** Adds the sampled traces to the rule's queue, each once (`monitor.review.queue` names a missing queue otherwise). */
export async function feedReviewQueue(
  reviews: ReviewStore,
  projectId: string,
  rule: ReviewRule,
  items: readonly SourcedItem[],
  nowMs: number,
): Promise<SourcedAdd & { queue: string }> {
  const queue = await queueNamed(reviews, projectId, rule.queue, 'monitor.review.queue');
  return { queue: queue.name, ...(await addSourcedItems(reviews, queue, items, nowMs)) };
}
