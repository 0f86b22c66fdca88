import { describe, expect, it } from 'vitest';
import { THEMES } from '../../../test/fixtures/failure-themes.js';
import { clusterTexts } from './clusters.js';

function planted(): { texts: string[]; theme: string[] } {
  const items = Object.entries(THEMES).flatMap(([theme, texts]) => texts.map((text) => ({ theme, text })));
  // A fixed interleaving, so no theme arrives as one block.
  const order = items.map((_, i) => (i * 7) % items.length);
  return { texts: order.map((i) => items[i]!.text), theme: order.map((i) => items[i]!.theme) };
}

describe('clusterTexts', () => {
  it('finds the three planted themes on TF-IDF, with the right members and telling labels', async () => {
    const { texts, theme } = planted();
    const result = await clusterTexts(texts, { seed: 7 });
    expect(result.method).toBe('tfidf');
    expect(result.k).toBe(3);
    expect(result.silhouette).toBeGreaterThan(0.05);
    const groups = result.clusters.map((c) => new Set(c.members.map((i) => theme[i])));
    for (const g of groups) expect(g.size).toBe(1);
    expect(result.clusters.map((c) => c.members.length)).toEqual([6, 6, 6]);
    const byTheme = Object.fromEntries(result.clusters.map((c) => [theme[c.members[0]!], c.terms]));
    expect(byTheme.legacy).toEqual(expect.arrayContaining(['legacy']));
    expect(byTheme.refund).toEqual(expect.arrayContaining(['refund']));
    expect(byTheme.password).toEqual(expect.arrayContaining(['password']));
  });

  it('is deterministic for a seed', async () => {
    const { texts } = planted();
    const a = await clusterTexts(texts, { seed: 3 });
    const b = await clusterTexts(texts, { seed: 3 });
    expect(a).toEqual(b);
  });

  it('clusters on embeddings when an embedder is given, and still labels with terms', async () => {
    const { texts, theme } = planted();
    const axes = ['legacy', 'refund', 'password'];
    let calls = 0;
    // A stand-in embedder: each text near its theme's axis, spread by a hash of its words.
    const noise = (t: string, d: number) => {
      let x = 2166136261 ^ d;
      for (const ch of t) x = Math.imul(x ^ ch.charCodeAt(0), 16777619);
      return ((x >>> 0) % 1000) / 5000;
    };
    const embed = async (batch: string[]) => {
      calls++;
      return batch.map((t) => [
        ...axes.map((a) => (t.toLowerCase().includes(a) ? 1 : 0)),
        ...[0, 1, 2, 3].map((d) => noise(t, d)),
      ]);
    };
    const result = await clusterTexts(texts, { embedder: { embed } });
    expect(calls).toBe(1);
    expect(result.method).toBe('embeddings');
    expect(result.k).toBe(3);
    for (const c of result.clusters) expect(new Set(c.members.map((i) => theme[i])).size).toBe(1);
    expect(result.clusters.flatMap((c) => c.terms)).toEqual(
      expect.arrayContaining(['legacy', 'refund', 'password']),
    );
  });

  it('keeps identical texts together and counts each occurrence', async () => {
    const texts = ['reset my password', 'reset my password', 'refund the charge', 'refund the charge please'];
    const result = await clusterTexts(texts);
    expect(result.clusters.flatMap((c) => c.members).sort()).toEqual([0, 1, 2, 3]);
    const withFirst = result.clusters.find((c) => c.members.includes(0))!;
    expect(withFirst.members).toContain(1);
  });

  it('makes one cluster of too few texts, and sets aside texts with no usable term', async () => {
    const result = await clusterTexts(['refund charge', 'refund card charge', '?!', 'the and of']);
    expect(result.k).toBe(1);
    expect(result.silhouette).toBeNull();
    expect(result.clusters[0]!.members).toEqual([0, 1]);
    expect(result.unclustered).toEqual([2, 3]);
    expect(await clusterTexts([])).toMatchObject({ k: 0, clusters: [], unclustered: [] });
  });
});
