import { chiSquareSf } from './distributions.js';
import { checkFinite, fail } from './validate.js';

export interface ChiSquareResult {
  statistic: number;
  df: number;
  p: number;
}

/**
 * Pearson's chi-square test of homogeneity of a contingency table (rows: samples, columns:
 * categories), as scipy.stats.chi2_contingency with `correction=False`. Columns empty in every row
 * are dropped; with one category left there is nothing to test (statistic 0, p 1).
 *
 * @example
 * chiSquareTest([[90, 10], [70, 30]]); // { statistic: 12.5, df: 1, p: 0.0004 }
 */
export function chiSquareTest(table: number[][]): ChiSquareResult {
  const fn = 'chiSquareTest';
  if (!Array.isArray(table) || table.length < 2) fail(fn, 'the table needs at least 2 rows');
  const width = table[0]!.length;
  for (const [i, row] of table.entries()) {
    checkFinite(fn, `table[${i}]`, row);
    if (row.length !== width) fail(fn, `table[${i}] has ${row.length} columns, table[0] has ${width}`);
    for (const v of row) if (v < 0) fail(fn, `table[${i}] has a negative count (${v})`);
  }
  const rowSums = table.map((r) => r.reduce((a, b) => a + b, 0));
  if (rowSums.some((s) => s === 0)) fail(fn, 'a row of the table is empty');
  const colSums = Array.from({ length: width }, (_, j) => table.reduce((a, r) => a + r[j]!, 0));
  const cols = colSums.flatMap((s, j) => (s > 0 ? [j] : []));
  const total = rowSums.reduce((a, b) => a + b, 0);
  if (cols.length < 2) return { statistic: 0, df: 0, p: 1 };
  let statistic = 0;
  for (let i = 0; i < table.length; i++) {
    for (const j of cols) {
      const expected = (rowSums[i]! * colSums[j]!) / total;
      const d = table[i]![j]! - expected;
      statistic += (d * d) / expected;
    }
  }
  const df = (table.length - 1) * (cols.length - 1);
  return { statistic, df, p: chiSquareSf(statistic, df) };
}

/**
 * Population stability index of two sets of category counts (same categories, same order):
 * sum (a_i - e_i) ln(a_i / e_i) over the proportions, each raised to 1e-4 so empty categories stay
 * finite (as `psi` does for bins).
 *
 * @example
 * psiFromCounts([90, 10], [70, 30]); // 0.2700
 */
export function psiFromCounts(expected: number[], actual: number[]): number {
  const fn = 'psiFromCounts';
  checkFinite(fn, 'expected', expected);
  checkFinite(fn, 'actual', actual);
  if (expected.length !== actual.length) fail(fn, 'expected and actual must have the same categories');
  const te = expected.reduce((a, b) => a + b, 0);
  const ta = actual.reduce((a, b) => a + b, 0);
  if (!(te > 0 && ta > 0)) fail(fn, 'both count lists need a positive total');
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(1e-4, expected[i]! / te);
    const a = Math.max(1e-4, actual[i]! / ta);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}
