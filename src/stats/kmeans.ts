import { createRng, DEFAULT_SEED } from './random.js';
import { checkInteger, fail } from './validate.js';

export interface KMeansOptions {
  /** Most Lloyd iterations (default 50); stops earlier when no point changes cluster. */
  iterations?: number;
  seed?: number;
}

export interface KMeansResult {
  centroids: number[][];
  /** Cluster index of each point, in input order. */
  assignment: number[];
}

function dist2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const t = a[i]! - b[i]!;
    s += t * t;
  }
  return s;
}

/**
 * k-means (Lloyd) with k-means++ seeding (Arthur & Vassilvitskii 2007), seeded so the same points
 * give the same clusters. k is lowered to the number of distinct points when there are fewer.
 *
 * @example
 * kmeans([[0, 0], [0, 1], [10, 10], [10, 11]], 2); // assignment [0, 0, 1, 1] (or [1, 1, 0, 0])
 */
export function kmeans(points: number[][], k: number, opts: KMeansOptions = {}): KMeansResult {
  const fn = 'kmeans';
  if (!Array.isArray(points) || points.length === 0) fail(fn, 'points is empty');
  checkInteger(fn, 'k', k, 1);
  const dim = points[0]!.length;
  for (const [i, p] of points.entries()) {
    if (p.length !== dim || p.some((v) => !Number.isFinite(v)))
      fail(fn, `points[${i}] is not a ${dim}-vector`);
  }
  const rng = createRng(opts.seed ?? DEFAULT_SEED);
  const n = points.length;
  const centroids: number[][] = [points[rng.nextInt(n)]!.slice()];
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  while (centroids.length < k) {
    const last = centroids[centroids.length - 1]!;
    let total = 0;
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i]!, dist2(points[i]!, last));
      total += nearest[i]!;
    }
    if (total === 0) break;
    let target = rng.next() * total;
    let pick = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i]!;
      if (target <= 0 && nearest[i]! > 0) {
        pick = i;
        break;
      }
    }
    centroids.push(points[pick]!.slice());
  }
  const assignment = new Array<number>(n).fill(-1);
  const iterations = opts.iterations ?? 50;
  for (let it = 0; it < iterations; it++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      for (let c = 0; c < centroids.length; c++) {
        const d = dist2(points[i]!, centroids[c]!);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      if (assignment[i] !== best) {
        assignment[i] = best;
        changed = true;
      }
    }
    if (!changed) break;
    const sums = centroids.map(() => new Float64Array(dim));
    const counts = new Array<number>(centroids.length).fill(0);
    for (let i = 0; i < n; i++) {
      const c = assignment[i]!;
      counts[c]!++;
      const p = points[i]!;
      for (let j = 0; j < dim; j++) sums[c]![j]! += p[j]!;
    }
    for (let c = 0; c < centroids.length; c++) {
      if (counts[c]! > 0) centroids[c] = Array.from(sums[c]!, (s) => s / counts[c]!);
    }
  }
  return { centroids, assignment };
}
