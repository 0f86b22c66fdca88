/**
 * Unit-length sparse vectors: TF-IDF rows have a few dozen non-zero terms out of thousands, and an
 * embedding is the dense case with every index present. k-means and the silhouette work on this one
 * shape, so both paths share them.
 */
export interface SparseVector {
  idx: Uint32Array;
  val: Float64Array;
}

/** x · c for a dense c. */
export function dotDense(x: SparseVector, c: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.idx.length; i++) s += x.val[i]! * c[x.idx[i]!]!;
  return s;
}

/** c += w x for a dense c. */
export function addTo(c: Float64Array, x: SparseVector, w = 1): void {
  for (let i = 0; i < x.idx.length; i++) c[x.idx[i]!]! += w * x.val[i]!;
}

/** Scales to unit length in place; false when the vector is all zeros. */
export function normalize(val: Float64Array): boolean {
  let s = 0;
  for (const v of val) s += v * v;
  if (s === 0) return false;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < val.length; i++) val[i]! *= inv;
  return true;
}

/** Dense embeddings as unit sparse vectors; rows of zeros (or of another length) come back as null. */
export function fromDense(rows: ArrayLike<number>[]): { vectors: (SparseVector | null)[]; dim: number } {
  const dim = rows[0]?.length ?? 0;
  const idx = Uint32Array.from({ length: dim }, (_, i) => i);
  const vectors = rows.map((row) => {
    if (row.length !== dim) return null;
    const val = Float64Array.from(row);
    if (!val.every(Number.isFinite) || !normalize(val)) return null;
    return { idx, val };
  });
  return { vectors, dim };
}
