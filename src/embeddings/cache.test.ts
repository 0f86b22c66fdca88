import { describe, expect, it } from 'vitest';
import { cachedEmbedder, layeredVectorCache, memoryVectorCache } from './cache.js';
import type { Embedder } from './embedder.js';
import { normalize } from './vector.js';

/** A real (if simple) embedder: letter counts, normalised; it records what it was asked. */
function letterEmbedder(): Embedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    id: 'letters',
    calls,
    async embed(texts) {
      calls.push(texts);
      return texts.map((t) => normalize([...'abcde'].map((c) => t.split(c).length - 1)));
    },
  };
}

const vec = (...xs: number[]) => Float32Array.from(xs);

describe('memoryVectorCache', () => {
  it('keeps vectors per model and text, and evicts the least recently used', async () => {
    const cache = memoryVectorCache(2);
    await cache.setMany('m', [
      { text: 'a', vector: vec(1) },
      { text: 'b', vector: vec(2) },
    ]);
    expect(await cache.getMany('other', ['a'])).toEqual([undefined]);
    await cache.getMany('m', ['a']); // a is now the most recent
    await cache.setMany('m', [{ text: 'c', vector: vec(3) }]);
    const [a, b, c] = await cache.getMany('m', ['a', 'b', 'c']);
    expect(a).toEqual(vec(1));
    expect(b).toBeUndefined();
    expect(c).toEqual(vec(3));
  });
});

describe('layeredVectorCache', () => {
  it('reads through to the slower cache and copies hits into the faster one', async () => {
    const fast = memoryVectorCache();
    const slow = memoryVectorCache();
    await slow.setMany('m', [{ text: 'x', vector: vec(1, 0) }]);
    const layered = layeredVectorCache(fast, slow);
    expect(await layered.getMany('m', ['x', 'y'])).toEqual([vec(1, 0), undefined]);
    expect(await fast.getMany('m', ['x'])).toEqual([vec(1, 0)]);
    await layered.setMany('m', [{ text: 'y', vector: vec(0, 1) }]);
    expect(await slow.getMany('m', ['y'])).toEqual([vec(0, 1)]);
  });
});

describe('cachedEmbedder', () => {
  it('embeds only texts not cached, each once, and returns vectors in input order', async () => {
    const inner = letterEmbedder();
    const cache = memoryVectorCache();
    const embedder = cachedEmbedder(inner, cache);
    const first = await embedder.embed(['abc', 'dd', 'abc']);
    expect(inner.calls).toEqual([['abc', 'dd']]);
    const second = await embedder.embed(['dd', 'eee', 'abc']);
    expect(inner.calls).toEqual([['abc', 'dd'], ['eee']]);
    expect(second[0]).toEqual(first[1]);
    expect(second[2]).toEqual(first[0]);
    expect(Array.from(second[1]!)).toEqual([0, 0, 0, 0, 1]);
    await embedder.embed(['abc', 'dd']);
    expect(inner.calls).toHaveLength(2);
  });
});
