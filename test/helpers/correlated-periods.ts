import type { CorrelationPoint } from '../../src/monitor/correlation.js';
import { normalSf } from '../../src/stats/distributions.js';
import type { Rng } from '../../src/stats/random.js';

/**
 * How the offline and online metrics of a period are drawn: monotone transforms of a bivariate
 * normal pair with Pearson correlation `r`. Spearman's rho is invariant under monotone transforms, so
 * `continuous` and `skewed` share the population rho 6/π · asin(r/2); `tied` rounds both to a few
 * levels (a pass rate of a 4-case nightly set, a 3-level online score), whose population rho was
 * measured on 600,000 pairs (r = 0.77 → 0.7035).
 */
export const SHAPES = {
  continuous: { x: (a: number) => a, y: (b: number) => b },
  skewed: { x: (a: number) => Math.exp(2 * a), y: (b: number) => -Math.exp(-1.5 * b) },
  tied: {
    x: (a: number) => Math.round((1 - normalSf(a)) * 4) / 4,
    y: (b: number) => Math.round((1 - normalSf(b)) * 3) / 3,
  },
} as const;

export type Shape = keyof typeof SHAPES;

/** Pearson r of the normal pair whose Spearman rho is `rho` (continuous and skewed shapes). */
export const pearsonForSpearman = (rho: number) => 2 * Math.sin((Math.PI * rho) / 6);

/** r of the tied shape whose population Spearman rho is 0.70 (0.7035, just over). */
export const TIED_R_AT_070 = 0.77;

function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** `n` periods of (offline, online) drawn as `shape` with normal correlation `r`. */
export function correlatedPeriods(n: number, r: number, shape: Shape, rng: Rng): CorrelationPoint[] {
  const f = SHAPES[shape];
  return Array.from({ length: n }, (_, d) => {
    const a = gaussian(rng);
    const b = r * a + Math.sqrt(1 - r * r) * gaussian(rng);
    return { period: new Date(Date.UTC(2026, 0, 1 + d)).toISOString(), offline: f.x(a), online: f.y(b) };
  });
}
