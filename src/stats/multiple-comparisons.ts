import { fail } from './validate.js';

/**
 * Holm's step-down adjustment (Holm 1979) of m p-values, controlling the family-wise error rate:
 * with p sorted ascending, adjusted p_(i) = max_{j <= i} min(1, (m - j + 1) p_(j)), returned in the input
 * order (as R's `p.adjust(p, 'holm')`). Reject the hypotheses whose adjusted p is at most alpha.
 * An empty list gives an empty list.
 *
 * @example
 * holm([0.01, 0.04, 0.03, 0.005]); // [0.03, 0.06, 0.06, 0.02]
 */
export function holm(pValues: number[]): number[] {
  const fn = 'holm';
  if (!Array.isArray(pValues)) fail(fn, 'pValues must be an array of numbers');
  const m = pValues.length;
  for (let i = 0; i < m; i++) {
    const p = pValues[i];
    if (typeof p !== 'number' || !(p >= 0 && p <= 1))
      fail(fn, `pValues[${i}] must be in [0, 1] (got ${String(p)})`);
  }
  const order = [...pValues.keys()].sort((a, b) => pValues[a]! - pValues[b]!);
  const adjusted = new Array<number>(m);
  let running = 0;
  for (let rank = 0; rank < m; rank++) {
    const i = order[rank]!;
    running = Math.max(running, Math.min(1, (m - rank) * pValues[i]!));
    adjusted[i] = running;
  }
  return adjusted;
}
