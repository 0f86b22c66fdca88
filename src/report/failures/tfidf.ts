import { normalize, type SparseVector } from './vectors.js';

export interface TfidfOptions {
  /** Terms found in fewer documents than this say nothing about groups (default 2; 1 under 100 documents). */
  minDf?: number;
  /** Terms in more than this share of documents say nothing either (default 0.9). */
  maxDfRatio?: number;
  /** Keep at most this many terms, the most frequent (default 4096). */
  maxTerms?: number;
}

export interface TfidfModel {
  terms: string[];
  /** One unit vector per document; null when none of its terms survived. */
  vectors: (SparseVector | null)[];
}

/**
 * TF-IDF with sublinear term frequency (1 + ln tf) and smoothed idf (ln((1 + n) / (1 + df)) + 1),
 * rows scaled to unit length so Euclidean distance ranks like cosine.
 */
export function tfidf(docs: string[][], options: TfidfOptions = {}): TfidfModel {
  const n = docs.length;
  const minDf = options.minDf ?? (n >= 100 ? 2 : 1);
  const maxDf = Math.max(minDf, Math.floor((options.maxDfRatio ?? 0.9) * n));
  const df = new Map<string, number>();
  for (const doc of docs) for (const term of new Set(doc)) df.set(term, (df.get(term) ?? 0) + 1);
  const kept = [...df]
    .filter(([, d]) => d >= minDf && (n < 3 || d <= maxDf))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, options.maxTerms ?? 4096);
  kept.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const terms = kept.map(([t]) => t);
  const index = new Map(terms.map((t, i) => [t, i]));
  const idf = kept.map(([, d]) => Math.log((1 + n) / (1 + d)) + 1);
  const vectors = docs.map((doc) => {
    const tf = new Map<number, number>();
    for (const term of doc) {
      const i = index.get(term);
      if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
    }
    if (tf.size === 0) return null;
    const entries = [...tf].sort((a, b) => a[0] - b[0]);
    const idx = Uint32Array.from(entries, ([i]) => i);
    const val = Float64Array.from(entries, ([i, f]) => (1 + Math.log(f)) * idf[i]!);
    return normalize(val) ? { idx, val } : null;
  });
  return { terms, vectors };
}
