import { logChoose } from './distributions.js';
import { checkInteger } from './validate.js';

/**
 * Fisher's exact test of a 2×2 table [[a, b], [c, d]], two-sided as scipy.stats.fisher_exact: the
 * probability, given the margins, of every table no more likely than the observed one (with a
 * relative tolerance of 1e-7 for ties in probability).
 *
 * @example
 * fisherExact(8, 2, 1, 5); // 0.0350
 */
export function fisherExact(a: number, b: number, c: number, d: number): number {
  const fn = 'fisherExact';
  for (const [name, v] of [
    ['a', a],
    ['b', b],
    ['c', c],
    ['d', d],
  ] as const)
    checkInteger(fn, name, v, 0);
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  if (n === 0) return 1;
  const lo = Math.max(0, col1 - (n - row1));
  const hi = Math.min(row1, col1);
  const base = logChoose(n, col1);
  const logP = (x: number) => logChoose(row1, x) + logChoose(n - row1, col1 - x) - base;
  const observed = logP(a);
  let p = 0;
  for (let x = lo; x <= hi; x++) {
    const lp = logP(x);
    if (lp <= observed + 1e-7 * Math.abs(observed) + 1e-12) p += Math.exp(lp);
  }
  return Math.min(1, p);
}
