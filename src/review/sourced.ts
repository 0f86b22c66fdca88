import { AssayError } from '../core/errors.js';
import { contentHash } from '../util/hash.js';
import type { ItemContent, Queue } from './model.js';
import type { ReviewStore } from './store.js';

/** An item a source built (a run's result, a trace, a pair, a disagreement), with the key that makes it unique. */
export interface SourcedItem {
  /** Stable for the same origin: `run|<run>|<target>|<case>`, `trace|<id>`, … */
  key: string;
  content: ItemContent;
}

export interface SourcedAdd {
  /** Ids of the items added now. */
  added: string[];
  /** Items already in the queue from an earlier add: not added again. */
  already: number;
}

/** The id of a sourced item: a hash of the queue and the key, so the same origin is one item per queue. */
export function sourcedItemId(queueId: string, key: string): string {
  return `src_${contentHash([queueId, key]).slice(0, 24)}`;
}

/** The queue of that name in the project, or an error naming the queues there are (exit 2 on the CLI). */
export async function queueNamed(
  store: ReviewStore,
  projectId: string,
  name: string,
  field = '--queue',
): Promise<Queue> {
  const queue = await store.queueByName(projectId, name);
  if (queue) return queue;
  const names = (await store.listQueues(projectId)).map((q) => q.name);
  throw new AssayError(
    'input.invalid',
    `no review queue "${name}" in this project (${names.length ? `queues: ${names.join(', ')}` : 'it has none yet: POST /api/v1/review/queues'})`,
    { field },
  );
}

/**
 * Adds sourced items to a queue, each once: an item whose origin is in the queue already (from an
 * earlier add, or earlier in this list) is left as it is, with its labels.
 *
 * @example await addSourcedItems(store, queue, [{ key: 'trace|abc', content: { input, output } }], Date.now())
 */
export async function addSourcedItems(
  store: ReviewStore,
  queue: Queue,
  items: readonly SourcedItem[],
  nowMs: number,
): Promise<SourcedAdd> {
  if (items.length === 0) return { added: [], already: 0 };
  const added = await store.addItemsIfNew(
    queue.id,
    items.map((it) => ({ id: sourcedItemId(queue.id, it.key), content: it.content })),
    nowMs,
  );
  return { added, already: items.length - added.length };
}
