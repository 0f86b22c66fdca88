import type { Store } from '../core/store.js';
import type { EmbeddingService } from '../embeddings/service.js';
import { storeVectorCache } from '../store/vector-cache.js';

/**
 * Gives a suite's embedders the store's vector cache (when caching is on), so that a second run
 * sends no embedding request for texts already embedded. The suite is built and checked before the
 * store is opened; the embedders read the cache at call time.
 */
export function attachVectorCache(embeddings: EmbeddingService, store: Store, cache: boolean): void {
  embeddings.attachCache(cache ? storeVectorCache(store) : undefined);
}
