import type { Store } from '../core/store.js';
import type { VectorCache } from '../embeddings/cache.js';
import { decodeVector, encodeVector, vectorKey } from '../embeddings/vector.js';

export { vectorKey };

/**
 * Vectors in the store's `cache` table (SQLite or PostgreSQL alike), under
 * `emb:<model>:<sha256(text)>`, each as base64 float32: a 1536-d vector is 8 KB of text, a third of
 * its JSON form. The text itself is not stored, only its hash.
 */
export function storeVectorCache(store: Pick<Store, 'cacheGet' | 'cacheSet'>): VectorCache {
  return {
    async getMany(model, texts) {
      return Promise.all(
        texts.map(async (t) => {
          const stored = await store.cacheGet(vectorKey(model, t));
          return typeof stored === 'string' ? decodeVector(stored) : undefined;
        }),
      );
    },
    async setMany(model, entries) {
      for (const { text, vector } of entries)
        await store.cacheSet(vectorKey(model, text), encodeVector(vector));
    },
  };
}
