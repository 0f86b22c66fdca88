/** Pure text metrics behind the reference evaluators. Inputs are token lists or strings; no I/O. */

export interface PrecisionRecall {
  precision: number;
  recall: number;
  f1: number;
}

function fmeasure(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/**
 * Token-overlap F1 as SQuAD computes it: the common tokens are counted with multiplicity (a bag
 * intersection). Two empty token lists agree (F1 1), as in SQuAD v2; v1.1 returns 0 there.
 */
export function tokenF1(prediction: string[], reference: string[]): PrecisionRecall {
  if (prediction.length === 0 || reference.length === 0) {
    const same = prediction.length === reference.length ? 1 : 0;
    return { precision: same, recall: same, f1: same };
  }
  const counts = new Map<string, number>();
  for (const t of reference) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of prediction) {
    const left = counts.get(t) ?? 0;
    if (left > 0) {
      common++;
      counts.set(t, left - 1);
    }
  }
  const precision = common / prediction.length;
  const recall = common / reference.length;
  return { precision, recall, f1: fmeasure(precision, recall) };
}

/** Length of the longest common subsequence, in O(n·m) time and O(m) memory. */
export function lcsLength<T>(a: readonly T[], b: readonly T[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Uint32Array(b.length + 1);
  let row = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      row[j] = ai === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, row[j - 1]!);
    }
    [prev, row] = [row, prev];
  }
  return prev[b.length]!;
}

/**
 * Sentence-level ROUGE-L (Lin 2004) as `rouge-score` computes `rougeL`: precision = LCS / prediction
 * length, recall = LCS / reference length, and their harmonic mean (β = 1). Empty either side → 0.
 */
export function rougeL(prediction: string[], reference: string[]): PrecisionRecall {
  if (prediction.length === 0 || reference.length === 0) return { precision: 0, recall: 0, f1: 0 };
  const lcs = lcsLength(reference, prediction);
  const precision = lcs / prediction.length;
  const recall = lcs / reference.length;
  return { precision, recall, f1: fmeasure(precision, recall) };
}

/**
 * Levenshtein distance (insertions, deletions, substitutions, each costing 1) between two strings,
 * counted in Unicode code points so an emoji is one character. With `max`, gives up early and
 * returns `max + 1` once the distance is known to exceed it.
 */
export function levenshtein(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  const s = Array.from(a);
  const t = Array.from(b);
  if (Math.abs(s.length - t.length) > max) return max + 1;
  if (s.length === 0 || t.length === 0) return Math.max(s.length, t.length);
  let prev = new Uint32Array(t.length + 1);
  let row = new Uint32Array(t.length + 1);
  for (let j = 0; j <= t.length; j++) prev[j] = j;
  for (let i = 1; i <= s.length; i++) {
    row[0] = i;
    let best = i;
    const si = s[i - 1];
    for (let j = 1; j <= t.length; j++) {
      const cost = si === t[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (row[j]! < best) best = row[j]!;
    }
    if (best > max) return max + 1;
    [prev, row] = [row, prev];
  }
  return prev[t.length]!;
}

/** 1 − distance / length of the longer string; two empty strings are identical (1). */
export function levenshteinSimilarity(distance: number, a: string, b: string): number {
  const longest = Math.max(Array.from(a).length, Array.from(b).length);
  return longest === 0 ? 1 : Math.max(0, 1 - distance / longest);
}
