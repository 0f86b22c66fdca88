import { centralInterval } from '../../stats/descriptive.js';
import { createRng } from '../../stats/random.js';

/**
 * 95% percentile bootstrap interval of a correlation, resampling cases (pairs stay together). A
 * resample where one side has no variation has no correlation: it is left out and counted, rather
 * than failing the whole interval as the generic bootstrap would.
 */
export function correlationInterval(
  x: number[],
  y: number[],
  statistic: (x: number[], y: number[]) => number,
  options: { iterations: number; seed: number; confidence?: number },
): { lo: number; hi: number; skipped: number } {
  const n = x.length;
  const rng = createRng(options.seed);
  const index = new Uint32Array(n);
  const bx = new Array<number>(n);
  const by = new Array<number>(n);
  const values: number[] = [];
  let skipped = 0;
  for (let b = 0; b < options.iterations; b++) {
    rng.fillInt(index, n);
    for (let i = 0; i < n; i++) {
      bx[i] = x[index[i]!]!;
      by[i] = y[index[i]!]!;
    }
    try {
      const v = statistic(bx, by);
      if (Number.isFinite(v)) values.push(v);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  if (values.length === 0) return { lo: Number.NaN, hi: Number.NaN, skipped };
  const sorted = Float64Array.from(values).sort();
  const [lo, hi] = centralInterval(sorted, options.confidence ?? 0.95);
  return { lo, hi, skipped };
}
