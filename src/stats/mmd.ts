import { createRng, DEFAULT_SEED } from './random.js';
import { checkInteger, fail } from './validate.js';

export interface MmdOptions {
  /** Permutations of the pooled sample (default 999; the smallest p-value is 1 / (permutations + 1)). */
  permutations?: number;
  /** Bandwidth of the Gaussian kernel; default the median distance between pooled points. */
  bandwidth?: number;
  seed?: number;
}

export interface MmdResult {
  /** Squared maximum mean discrepancy (biased V-statistic), >= 0. */
  statistic: number;
  /** Permutation p-value (1 + #{permuted >= observed}) / (1 + permutations). */
  p: number;
  bandwidth: number;
}

function checkPoints(fn: string, name: string, points: number[][], dim?: number): number {
  if (!Array.isArray(points) || points.length < 2) fail(fn, `${name} needs at least 2 points`);
  const d = dim ?? points[0]!.length;
  for (const [i, p] of points.entries()) {
    if (!Array.isArray(p) || p.length !== d) fail(fn, `${name}[${i}] must have ${d} coordinates`);
    for (const v of p) if (!Number.isFinite(v)) fail(fn, `${name}[${i}] has a non-finite coordinate`);
  }
  return d;
}

/**
 * Two-sample kernel test (Gretton et al. 2012): the squared MMD between x and y with a Gaussian
 * kernel exp(-|a - b|^2 / (2 h^2)), and a permutation p-value (labels shuffled over the pooled
 * sample, seeded). The kernel matrix is computed once; each permutation costs O(min(n_x, n_y)^2)
 * using row sums.
 * Cost is O((n_x + n_y)^2) memory: subsample large windows (a few hundred points per side suffice).
 *
 * @example
 * mmdTest(referenceEmbeddings, todayEmbeddings, { permutations: 999 }); // { statistic, p, bandwidth }
 */
export function mmdTest(x: number[][], y: number[][], opts: MmdOptions = {}): MmdResult {
  const fn = 'mmdTest';
  const dim = checkPoints(fn, 'x', x);
  checkPoints(fn, 'y', y, dim);
  const permutations = opts.permutations ?? 999;
  checkInteger(fn, 'permutations', permutations, 1);
  // The statistic is symmetric: permutations sum over the smaller side, which is cheaper.
  if (x.length > y.length) [x, y] = [y, x];
  const pooled = [...x, ...y];
  const n = pooled.length;
  const nx = x.length;
  const d2 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = pooled[i]!;
    for (let j = i + 1; j < n; j++) {
      const b = pooled[j]!;
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const t = a[k]! - b[k]!;
        s += t * t;
      }
      d2[i * n + j] = s;
      d2[j * n + i] = s;
    }
  }
  let bandwidth = opts.bandwidth ?? 0;
  if (!(bandwidth > 0)) {
    const upper: number[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) upper.push(d2[i * n + j]!);
    upper.sort((a, b) => a - b);
    bandwidth = Math.sqrt(upper[upper.length >> 1]!) || 1;
  }
  const gamma = 1 / (2 * bandwidth * bandwidth);
  const k = d2;
  for (let i = 0; i < n * n; i++) k[i] = Math.exp(-gamma * d2[i]!);
  const rowSum = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += k[i * n + j]!;
    rowSum[i] = s;
    total += s;
  }
  const ny = n - nx;
  // With A = sum over x-x pairs and R = sum of x rows: xy = R - A, yy = total - 2 xy - A.
  const mmd = (idx: Uint32Array): number => {
    let a = 0;
    let r = 0;
    for (let p = 0; p < nx; p++) {
      const row = idx[p]! * n;
      r += rowSum[idx[p]!]!;
      for (let q = 0; q < nx; q++) a += k[row + idx[q]!]!;
    }
    const xy = r - a;
    const yy = total - 2 * xy - a;
    return a / (nx * nx) + yy / (ny * ny) - (2 * xy) / (nx * ny);
  };
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const statistic = Math.max(0, mmd(order));
  const rng = createRng(opts.seed ?? DEFAULT_SEED);
  let atLeast = 0;
  for (let b = 0; b < permutations; b++) {
    // Partial Fisher-Yates: only the first nx slots need to be a uniform random subset.
    for (let i = 0; i < nx; i++) {
      const j = i + rng.nextInt(n - i);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    if (mmd(order) >= statistic - 1e-12) atLeast++;
  }
  return { statistic, p: (1 + atLeast) / (1 + permutations), bandwidth };
}
