import { coalescing } from './batch.js';
import { cachedEmbedder, layeredVectorCache, memoryVectorCache, type VectorCache } from './cache.js';
import { createEmbedder, type Embedder } from './embedder.js';
import { type EmbedderSpec, specKey, toObjectSpec } from './spec.js';

/**
 * Embedders for a suite's evaluators: one per distinct spec, shared by every evaluator that names
 * it, each behind an in-memory LRU. In a run, a remote one's requests take the run's call path,
 * whose cache (the store's, in the CLI) keeps its vectors; the local embedder skips it: computing
 * a vector costs about what reading it back from SQLite does, and the store would only grow.
 */
export interface EmbeddingService {
  /** The embedder a spec names; the suite's `embedder:` (or `local`) when the spec is undefined. */
  embedder(spec?: EmbedderSpec): Promise<Embedder>;
}

export interface EmbeddingServiceOptions {
  /** Environment variables for API keys not given in the spec, read once by the caller. */
  env?: Record<string, string | undefined>;
  /** The config's top-level `embedder:`. */
  defaultSpec?: EmbedderSpec;
  /**
   * A persistent cache behind the in-memory one, e.g. `storeVectorCache(store)`, for use outside a
   * run. In a run, remote vectors are cached by the run's call path, in the run's one cache.
   */
  cache?: VectorCache;
  /** Vectors kept in memory (default 10 000). */
  memoryEntries?: number;
}

/** @example const e = await createEmbeddingService({ env: process.env }).embedder('local') */
export function createEmbeddingService(options: EmbeddingServiceOptions = {}): EmbeddingService {
  const memory = memoryVectorCache(options.memoryEntries);
  const persistent = options.cache ? layeredVectorCache(memory, options.cache) : memory;
  const embedders = new Map<string, Promise<Embedder>>();
  return {
    embedder(spec) {
      const chosen = spec ?? options.defaultSpec ?? 'local';
      const key = specKey(chosen);
      let embedder = embedders.get(key);
      if (!embedder) {
        const local = toObjectSpec(chosen).provider === 'local';
        embedder = createEmbedder(chosen, options.env).then((base) =>
          // Remote calls are merged across concurrent evaluations; the local one computes in place.
          local ? cachedEmbedder(base, memory) : cachedEmbedder(coalescing(base), persistent),
        );
        embedder.catch(() => embedders.delete(key));
        embedders.set(key, embedder);
      }
      return embedder;
    },
  };
}
