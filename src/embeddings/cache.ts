import type { Embedder } from './embedder.js';
import type { Vector } from './vector.js';

/**
 * Where computed vectors are kept, keyed by embedder id and text. The store-backed one lives in
 * `store/vector-cache.ts`; `memoryVectorCache` serves library use and sits in front of it.
 */
export interface VectorCache {
  getMany(model: string, texts: string[]): Promise<(Vector | undefined)[]>;
  setMany(model: string, entries: { text: string; vector: Vector }[]): Promise<void>;
}

/**
 * An in-process LRU cache of at most `maxEntries` vectors (a 100-d vector is 400 bytes; a 1536-d
 * one 6 KB, so the default 10 000 holds at most ~60 MB).
 */
export function memoryVectorCache(maxEntries = 10_000): VectorCache {
  const map = new Map<string, Vector>();
  const key = (model: string, text: string) => `${model}\u0000${text}`;
  return {
    async getMany(model, texts) {
      return texts.map((t) => {
        const k = key(model, t);
        const v = map.get(k);
        if (v) {
          // Re-insert so the Map's insertion order is the recency order.
          map.delete(k);
          map.set(k, v);
        }
        return v;
      });
    },
    async setMany(model, entries) {
      for (const { text, vector } of entries) {
        const k = key(model, text);
        map.delete(k);
        map.set(k, vector);
      }
      while (map.size > maxEntries) map.delete(map.keys().next().value!);
    },
  };
}

/** Looks in each cache in turn; a vector found in a later cache is copied into the earlier ones. */
export function layeredVectorCache(...caches: VectorCache[]): VectorCache {
  return {
    async getMany(model, texts) {
      const out: (Vector | undefined)[] = new Array(texts.length).fill(undefined);
      let missing = texts.map((_, i) => i);
      const found: { level: number; text: string; vector: Vector }[] = [];
      for (const [level, cache] of caches.entries()) {
        if (missing.length === 0) break;
        const got = await cache.getMany(
          model,
          missing.map((i) => texts[i]!),
        );
        const still: number[] = [];
        missing.forEach((i, j) => {
          const v = got[j];
          if (v) {
            out[i] = v;
            found.push({ level, text: texts[i]!, vector: v });
          } else still.push(i);
        });
        missing = still;
      }
      for (const [level, cache] of caches.entries()) {
        const up = found.filter((f) => f.level > level);
        if (up.length) await cache.setMany(model, up);
      }
      return out;
    },
    async setMany(model, entries) {
      for (const cache of caches) await cache.setMany(model, entries);
    },
  };
}

/** An embedder that embeds only the texts the cache does not hold, and caches what it computed. */
export function cachedEmbedder(embedder: Embedder, cache: VectorCache): Embedder {
  return {
    id: embedder.id,
    async embed(texts, options = {}) {
      const out = await cache.getMany(embedder.id, texts);
      const missing = [...new Set(texts.filter((_, i) => out[i] === undefined))];
      if (missing.length === 0) return out as Vector[];
      const vectors = await embedder.embed(missing, options);
      const byText = new Map(missing.map((t, i) => [t, vectors[i]!]));
      await cache.setMany(
        embedder.id,
        missing.map((text) => ({ text, vector: byText.get(text)! })),
      );
      return texts.map((t, i) => out[i] ?? byText.get(t)!);
    },
  };
}
