import type { SparseVector } from './vectors.js';

/** Pairwise Euclidean distances of unit vectors, computed once and shared by every k tried. */
export function distanceMatrix(xs: SparseVector[], dim: number): Float64Array[] {
  const scratch = new Float64Array(dim);
  const rows = xs.map(() => new Float64Array(xs.length));
  for (let i = 0; i < xs.length; i++) {
    const xi = xs[i]!;
    for (let t = 0; t < xi.idx.length; t++) scratch[xi.idx[t]!] = xi.val[t]!;
    for (let j = i + 1; j < xs.length; j++) {
      const xj = xs[j]!;
      let dot = 0;
      for (let t = 0; t < xj.idx.length; t++) dot += scratch[xj.idx[t]!]! * xj.val[t]!;
      const d = Math.sqrt(Math.max(0, 2 - 2 * dot));
      rows[i]![j] = d;
      rows[j]![i] = d;
    }
    for (let t = 0; t < xi.idx.length; t++) scratch[xi.idx[t]!] = 0;
  }
  return rows;
}

/**
 * Mean silhouette (Rousseeuw 1987) of a clustering: for each point, (b − a) / max(a, b) with a its mean
 * distance to its own cluster and b to the nearest other one; a point alone in its cluster scores 0.
 * In [−1, 1]; higher means tighter, better separated clusters.
 */
export function silhouette(distances: Float64Array[], assign: ArrayLike<number>, k: number): number {
  const n = distances.length;
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) sizes[assign[i]!]!++;
  let total = 0;
  const sums = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    const row = distances[i]!;
    for (let j = 0; j < n; j++) if (j !== i) sums[assign[j]!]! += row[j]!;
    const own = assign[i]!;
    if (sizes[own]! <= 1) continue;
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
    if (!Number.isFinite(b)) continue;
    const m = Math.max(a, b);
    total += m === 0 ? 0 : (b - a) / m;
  }
  return total / n;
}
