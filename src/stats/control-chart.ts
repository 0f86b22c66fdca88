import { normalTwoSided } from './distributions.js';
import { checkProbability, fail } from './validate.js';

export interface ChartReference {
  /** In-control mean of the per-observation value (a rate, a score, a latency). */
  mean: number;
  /** In-control standard deviation of one observation. */
  sd: number;
  /** Observations the reference mean was estimated from (its own uncertainty is accounted for). */
  n: number;
}

export interface ChartWindow {
  /** The window's mean of the per-observation value. */
  mean: number;
  /** Observations in the window. */
  n: number;
}

export interface ChartPoint {
  /** The EWMA of the standardised window means. */
  ewma: number;
  /** ewma divided by its in-control standard deviation: N(0, 1) when nothing changed. */
  z: number;
  /** Two-sided p-value of z. */
  p: number;
}

/**
 * EWMA control chart (Roberts 1959) on window means against a reference, with exact in-control
 * variance: each window gives e_t = (mean_t - mu_0) / (sd / sqrt(n_t)); E_t = lambda e_t +
 * (1 - lambda) E_{t-1}, E_0 = 0. The variance of E_t counts both the windows' noise (sum of w_i^2)
 * and the error of the reference mean, common to every window ((sum of w_i sqrt(n_i / n_ref))^2), so
 * the z of every point is standard normal while the process is in control and its p-value can enter
 * a multiple-testing correction. Small lambda (0.2, the default) finds small persistent shifts;
 * lambda = 1 is a plain Shewhart chart of each window against the reference. Empty windows (n = 0)
 * carry the chart over unchanged.
 *
 * @example
 * ewmaChart({ mean: 0.1, sd: 0.3, n: 5000 }, [{ mean: 0.1, n: 300 }, { mean: 0.16, n: 300 }]);
 */
export function ewmaChart(
  reference: ChartReference,
  windows: ChartWindow[],
  opts: { lambda?: number } = {},
): ChartPoint[] {
  const fn = 'ewmaChart';
  const lambda = opts.lambda ?? 0.2;
  checkProbability(fn, 'lambda', lambda);
  if (!(lambda > 0)) fail(fn, 'lambda must be above 0');
  if (!(reference.sd > 0) || !Number.isFinite(reference.mean) || !(reference.n > 0)) {
    fail(fn, 'the reference needs a finite mean, sd > 0 and n > 0');
  }
  let ewma = 0;
  let noise = 0;
  let common = 0;
  const out: ChartPoint[] = [];
  for (const w of windows) {
    if (w.n > 0) {
      const e = (w.mean - reference.mean) / (reference.sd / Math.sqrt(w.n));
      ewma = lambda * e + (1 - lambda) * ewma;
      noise = lambda * lambda + (1 - lambda) ** 2 * noise;
      common = lambda * Math.sqrt(w.n / reference.n) + (1 - lambda) * common;
    }
    const sd = Math.sqrt(noise + common * common);
    const z = sd > 0 ? ewma / sd : 0;
    out.push({ ewma, z, p: sd > 0 ? normalTwoSided(z) : 1 });
  }
  return out;
}
