import type { Rng } from '../../stats/random.js';
import { addTo, dotDense, type SparseVector } from './vectors.js';

export interface KMeansResult {
  assign: Int32Array;
  centroids: Float64Array[];
  /** Sum of squared distances to the assigned centroids: lower is tighter. */
  inertia: number;
}

export interface KMeansOptions {
  /** Independent k-means++ starts; the tightest wins (default 8). */
  restarts?: number;
  maxIterations?: number;
}

/** Squared distance from a unit vector to a centroid: |x|² + |c|² − 2 x·c with |x| = 1. */
function distance(x: SparseVector, c: Float64Array, norm2: number): number {
  return Math.max(0, 1 + norm2 - 2 * dotDense(x, c));
}

function squaredNorm(c: Float64Array): number {
  let s = 0;
  for (const v of c) s += v * v;
  return s;
}

function seedCentroids(xs: SparseVector[], dim: number, k: number, rng: Rng): Float64Array[] {
  const first = new Float64Array(dim);
  addTo(first, xs[rng.nextInt(xs.length)]!);
  const centroids = [first];
  const nearest = xs.map((x) => distance(x, first, 1));
  while (centroids.length < k) {
    let total = 0;
    for (const d of nearest) total += d;
    let pick = 0;
    if (total > 0) {
      let r = rng.next() * total;
      while (pick < xs.length - 1 && r >= nearest[pick]!) r -= nearest[pick++]!;
    } else pick = rng.nextInt(xs.length);
    const c = new Float64Array(dim);
    addTo(c, xs[pick]!);
    centroids.push(c);
    for (let i = 0; i < xs.length; i++) nearest[i] = Math.min(nearest[i]!, distance(xs[i]!, c, 1));
  }
  return centroids;
}

function lloyd(
  xs: SparseVector[],
  dim: number,
  centroids: Float64Array[],
  maxIterations: number,
): KMeansResult {
  const k = centroids.length;
  const assign = new Int32Array(xs.length).fill(-1);
  let inertia = 0;
  for (let iter = 0; iter < maxIterations; iter++) {
    const norms = centroids.map(squaredNorm);
    let changed = false;
    inertia = 0;
    const far = { i: 0, d: -1 };
    for (let i = 0; i < xs.length; i++) {
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      for (let j = 0; j < k; j++) {
        const d = distance(xs[i]!, centroids[j]!, norms[j]!);
        if (d < bestD) {
          bestD = d;
          best = j;
        }
      }
      if (assign[i] !== best) changed = true;
      assign[i] = best;
      inertia += bestD;
      if (bestD > far.d) Object.assign(far, { i, d: bestD });
    }
    if (!changed && iter > 0) break;
    const sizes = new Int32Array(k);
    const next = centroids.map(() => new Float64Array(dim));
    for (let i = 0; i < xs.length; i++) {
      sizes[assign[i]!]!++;
      addTo(next[assign[i]!]!, xs[i]!);
    }
    for (let j = 0; j < k; j++) {
      // An emptied cluster restarts on the point worst served, so k clusters stay k.
      if (sizes[j] === 0) {
        next[j]!.fill(0);
        addTo(next[j]!, xs[far.i]!);
        continue;
      }
      const inv = 1 / sizes[j]!;
      for (let d = 0; d < dim; d++) next[j]![d]! *= inv;
    }
    centroids = next;
  }
  return { assign, centroids, inertia };
}

/**
 * k-means with k-means++ seeding (Arthur & Vassilvitskii 2007) on unit vectors, eight seeded starts by default,
 * the lowest inertia kept. Deterministic for a given generator state.
 */
export function kmeans(
  xs: SparseVector[],
  dim: number,
  k: number,
  rng: Rng,
  options: KMeansOptions = {},
): KMeansResult {
  let best: KMeansResult | undefined;
  for (let r = 0; r < (options.restarts ?? 8); r++) {
    const result = lloyd(xs, dim, seedCentroids(xs, dim, k, rng), options.maxIterations ?? 60);
    if (!best || result.inertia < best.inertia - 1e-12) best = result;
  }
  return best!;
}

/** The nearest centroid of a vector. */
export function nearestCentroid(x: SparseVector, centroids: Float64Array[]): number {
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  centroids.forEach((c, j) => {
    const d = distance(x, c, squaredNorm(c));
    if (d < bestD) {
      bestD = d;
      best = j;
    }
  });
  return best;
}
