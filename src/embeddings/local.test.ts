import { beforeAll, describe, expect, it } from 'vitest';
import { PARAPHRASES, UNRELATED } from '../../test/fixtures/paraphrases.js';
import {
  createLocalEmbedder,
  firstPrincipalComponent,
  LOCAL_EMBEDDER_ID,
  localModel,
  tokenize,
} from './local.js';
import { cosine } from './vector.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('local embedder (real GloVe vectors, SIF)', () => {
  const embedder = createLocalEmbedder();
  const sims = async (pairs: [string, string][]) => {
    const flat = await embedder.embed(pairs.flat());
    return pairs.map((_, i) => cosine(flat[2 * i]!, flat[2 * i + 1]!));
  };

  beforeAll(async () => {
    await localModel();
  });

  it('scores paraphrases clearly above unrelated sentences', async () => {
    const para = await sims(PARAPHRASES);
    const unrelated = await sims(UNRELATED);
    expect(mean(para)).toBeGreaterThan(0.6);
    expect(mean(unrelated)).toBeLessThan(0.3);
    expect(Math.min(...para)).toBeGreaterThan(0.4);
    // Every paraphrase beats the unrelated sentence paired with the same first sentence.
    for (const [i, p] of para.entries()) expect(p).toBeGreaterThan(unrelated[i]!);
  });

  it('gives unit-length, deterministic vectors, and equal texts similarity 1', async () => {
    const [a, b, c] = await embedder.embed([
      'The kettle boils water.',
      'The kettle boils water.',
      'Tea time',
    ]);
    expect(a!.length).toBe(100);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 5);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(cosine(a!, b!)).toBeCloseTo(1, 5);
    expect(cosine(a!, c!)).toBeLessThan(0.99);
    expect(embedder.id).toBe(LOCAL_EMBEDDER_ID);
  });

  it('gives a zero vector to a text with no known word (empty, digits, symbols)', async () => {
    const [empty, digits, symbols] = await embedder.embed(['', '12345 678', '?!… ---']);
    for (const v of [empty, digits, symbols]) expect(Array.from(v!).every((x) => x === 0)).toBe(true);
  });

  it('handles unicode: diacritics are folded, other scripts are dropped when unknown', async () => {
    const model = await localModel();
    expect(model.tokens('Café naïve résumé')).toEqual(['cafe', 'naive', 'resume']);
    const [a, b] = await embedder.embed(['Le café est fermé 🙂', 'le cafe est ferme']);
    expect(cosine(a!, b!)).toBeCloseTo(1, 5);
  });

  it('removes the common direction: it is orthogonal to every vector', async () => {
    const model = await localModel();
    const v = model.embed('Refunds reach your card within five business days.');
    expect(Math.abs(cosine(v, model.common))).toBeLessThan(1e-5);
    expect(Math.hypot(...model.common)).toBeCloseTo(1, 5);
  });
});

describe('tokenize', () => {
  it('lower-cases, splits on non-letters, spells out contractions', () => {
    expect(tokenize("Don't panic: it's 3.5 km, we'll see; can't won't")).toEqual([
      'do',
      'not',
      'panic',
      'it',
      'km',
      'we',
      'will',
      'see',
      'can',
      'not',
      'will',
      'not',
    ]);
    expect(tokenize('O’Brien’s E-MAIL')).toEqual(['o', 'brien', 's', 'e', 'mail']);
    expect(tokenize('')).toEqual([]);
  });
});

describe('firstPrincipalComponent', () => {
  it('finds the dominant direction of uncentred rows', () => {
    const rows = [
      [3, 0.1],
      [2, -0.1],
      [-4, 0.2],
      [5, 0],
    ];
    const u = firstPrincipalComponent(rows, 2);
    expect(Math.abs(u[0]!)).toBeCloseTo(1, 2);
    expect(Math.abs(u[1]!)).toBeLessThan(0.05);
  });

  it('returns zeros for zero rows instead of NaN', () => {
    expect(Array.from(firstPrincipalComponent([[0, 0]], 2))).toEqual([0, 0]);
  });
});
