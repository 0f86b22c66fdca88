import { spearman } from './correlation.js';
import { allTied, centralInterval } from './descriptive.js';
import type { Interval } from './intervals.js';
import { createRng, DEFAULT_SEED } from './random.js';
import { checkConfidence, checkInteger, fail } from './validate.js';

/**
 * Spearman's rho with a percentile bootstrap interval: the pairs are resampled together
 * `iterations` times; resamples in which either side is constant (rho undefined) are skipped.
 * Needs at least 3 pairs and two distinct values on each side.
 *
 * @example
 * spearmanInterval([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 4, 3, 6, 5, 8, 7]); // { estimate: 0.905, lo, hi }
 */
export function spearmanInterval(
  x: number[],
  y: number[],
  opts: { iterations?: number; confidence?: number; seed?: number } = {},
): Interval {
  const fn = 'spearmanInterval';
  if (x.length < 3) fail(fn, `needs at least 3 pairs (got ${x.length})`);
  const estimate = spearman(x, y).rho;
  const iterations = opts.iterations ?? 2000;
  const confidence = opts.confidence ?? 0.95;
  checkInteger(fn, 'iterations', iterations, 1);
  checkConfidence(fn, confidence);
  const rng = createRng(opts.seed ?? DEFAULT_SEED);
  const n = x.length;
  const index = new Uint32Array(n);
  const bx = new Array<number>(n);
  const by = new Array<number>(n);
  const dist: number[] = [];
  for (let b = 0; b < iterations; b++) {
    rng.fillInt(index, n);
    for (let i = 0; i < n; i++) {
      bx[i] = x[index[i]!]!;
      by[i] = y[index[i]!]!;
    }
    // Constant as spearman ranks it (ties within floating-point noise): no rho.
    if (allTied(bx) || allTied(by)) continue;
    dist.push(spearman(bx, by).rho);
  }
  if (dist.length === 0) return { estimate, lo: estimate, hi: estimate };
  const sorted = Float64Array.from(dist).sort();
  const [lo, hi] = centralInterval(sorted, confidence);
  return { estimate, lo, hi };
}
