import type { Case } from '../../core/case.js';
import { caseInput, ngrams, words } from './words.js';

export interface DuplicateReport {
  /** Groups of case ids whose inputs are the same once case, punctuation and spacing are ignored. */
  exact: string[][];
  /** Pairs whose inputs share at least `threshold` of their word 3-gram shingles (Jaccard). */
  near: { a: string; b: string; jaccard: number }[];
}

/**
 * Exact and near duplicate inputs. Near: Jaccard similarity of word 3-gram shingle sets ≥ 0.7 by
 * default (Broder's resemblance; a one-word edit in a 20-word question keeps ≈ 0.75, unrelated
 * questions sit near 0). Compared pair by pair with a size filter, exact rather than MinHash-estimated:
 * fine to a few thousand cases.
 */
export function findDuplicates(cases: readonly Case[], threshold = 0.7): DuplicateReport {
  const byText = new Map<string, string[]>();
  for (const c of cases) {
    const key = words(caseInput(c)).join(' ');
    const ids = byText.get(key);
    if (ids) ids.push(c.id);
    else byText.set(key, [c.id]);
  }
  const exact = [...byText.values()].filter((ids) => ids.length > 1);
  const firstOfExact = new Set([...byText.values()].map((ids) => ids[0]!));
  const shingles = cases
    .filter((c) => firstOfExact.has(c.id))
    .map((c) => {
      const w = words(caseInput(c));
      return { id: c.id, set: new Set(w.length < 3 ? [w.join(' ')] : ngrams(w, 3)) };
    });
  const near: DuplicateReport['near'] = [];
  for (let i = 0; i < shingles.length; i++) {
    const a = shingles[i]!;
    for (let j = i + 1; j < shingles.length; j++) {
      const b = shingles[j]!;
      const [small, large] = a.set.size <= b.set.size ? [a.set, b.set] : [b.set, a.set];
      // Jaccard ≤ |small| / |large|: most pairs are ruled out without looking inside.
      if (small.size < threshold * large.size) continue;
      let shared = 0;
      for (const s of small) if (large.has(s)) shared++;
      const jaccard = shared / (a.set.size + b.set.size - shared);
      if (jaccard >= threshold) near.push({ a: a.id, b: b.id, jaccard: Math.round(jaccard * 1000) / 1000 });
    }
  }
  return { exact, near };
}
