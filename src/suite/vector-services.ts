import type { Store } from '../core/store.js';
import { EMBEDDINGS_SERVICE, type EmbeddingService } from '../embeddings/service.js';
import { storeVectorCache } from '../store/vector-cache.js';

/**
 * Gives a suite's `similar` evaluators the store's vector cache (when caching is on), so that a
 * second run sends no embedding request for texts already embedded. The suite is built and checked
 * before the store is opened; the embedders read the cache at call time.
 */
export function attachVectorCache(services: object, store: Store, cache: boolean): void {
  const embeddings = (services as Record<string, unknown>)[EMBEDDINGS_SERVICE] as
    | EmbeddingService
    | undefined;
  embeddings?.attachCache(cache ? storeVectorCache(store) : undefined);
}
