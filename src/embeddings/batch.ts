import type { Embedder, EmbedOptions } from './embedder.js';
import type { Vector } from './vector.js';

/** Calls `embed` on consecutive slices of at most `size` texts, one after the other; results in order. */
export async function batchTexts<V>(
  texts: string[],
  size: number,
  embed: (part: string[]) => Promise<V[]>,
): Promise<V[]> {
  if (texts.length <= size) return texts.length === 0 ? [] : embed(texts);
  const out: V[] = [];
  for (let i = 0; i < texts.length; i += size) out.push(...(await embed(texts.slice(i, i + size))));
  return out;
}

interface Waiting {
  texts: string[];
  models?: EmbedOptions['models'];
  resolve(vectors: Vector[]): void;
  reject(error: unknown): void;
}

/**
 * Merges the `embed` calls made in the same turn of the event loop into one call, each distinct
 * text once. The runner scores many outputs at once, and each `similar` score embeds two or three
 * short texts: merged, they fill the remote API's batches instead of costing a request each.
 * A caller whose signal aborts is rejected at once; the merged request goes on for the others.
 */
export function coalescing(embedder: Embedder): Embedder {
  let queue: Waiting[] = [];
  const flush = async () => {
    const waiting = queue;
    queue = [];
    const distinct = [...new Set(waiting.flatMap((w) => w.texts))];
    try {
      // Every caller in a run hands the same call path; the first one's carries the merged request.
      const models = waiting.find((w) => w.models)?.models;
      const vectors = await embedder.embed(distinct, models ? { models } : {});
      const byText = new Map(distinct.map((t, i) => [t, vectors[i]!]));
      for (const w of waiting) w.resolve(w.texts.map((t) => byText.get(t)!));
    } catch (error) {
      for (const w of waiting) w.reject(error);
    }
  };
  return {
    id: embedder.id,
    embed(texts, options = {}) {
      const { signal } = options;
      if (texts.length === 0) return Promise.resolve([]);
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise((resolve, reject) => {
        const onAbort = () => reject(signal!.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        const done = () => signal?.removeEventListener('abort', onAbort);
        if (queue.length === 0) setImmediate(flush);
        queue.push({
          texts,
          ...(options.models ? { models: options.models } : {}),
          resolve: (v) => {
            done();
            resolve(v);
          },
          reject: (e) => {
            done();
            reject(e);
          },
        });
      });
    },
  };
}
