import { chiSquareSf } from './distributions.js';
import { createRng, DEFAULT_SEED } from './random.js';
import { checkFinite, fail } from './validate.js';

export interface ChiSquareOptions {
  /**
   * Monte-Carlo p-value from this many tables drawn under homogeneity (labels shuffled over the
   * pooled observations, as R's `simulate.p.value`). Default: 999 when an expected count is below 5,
   * where the chi-square approximation is too liberal; otherwise the asymptotic p-value.
   */
  simulate?: number;
  seed?: number;
}

export interface ChiSquareResult {
  statistic: number;
  df: number;
  p: number;
  /** Tables simulated for p, when it is a Monte-Carlo p-value. */
  simulated?: number;
}

function statisticOf(
  table: ArrayLike<number>[],
  rowSums: number[],
  colSums: number[],
  cols: number[],
  total: number,
): number {
  let statistic = 0;
  for (let i = 0; i < table.length; i++) {
    for (const j of cols) {
      const expected = (rowSums[i]! * colSums[j]!) / total;
      const d = table[i]![j]! - expected;
      statistic += (d * d) / expected;
    }
  }
  return statistic;
}

/**
 * Pearson's chi-square test of homogeneity of a contingency table (rows: samples, columns:
 * categories) of whole counts, as scipy.stats.chi2_contingency with `correction=False`, or with a
 * Monte-Carlo p-value (see `simulate`). Columns empty in every row are dropped; with one category
 * left there is nothing to test (statistic 0, p 1).
 *
 * @example
 * chiSquareTest([[90, 10], [70, 30]]); // { statistic: 12.5, df: 1, p: 0.0004 }
 */
export function chiSquareTest(table: number[][], opts: ChiSquareOptions = {}): ChiSquareResult {
  const fn = 'chiSquareTest';
  if (!Array.isArray(table) || table.length < 2) fail(fn, 'the table needs at least 2 rows');
  const width = table[0]!.length;
  for (const [i, row] of table.entries()) {
    checkFinite(fn, `table[${i}]`, row);
    if (row.length !== width) fail(fn, `table[${i}] has ${row.length} columns, table[0] has ${width}`);
    for (const v of row)
      if (v < 0 || !Number.isInteger(v))
        fail(fn, `table[${i}] has a count that is not a whole number ≥ 0 (${v})`);
  }
  const rowSums = table.map((r) => r.reduce((a, b) => a + b, 0));
  if (rowSums.some((s) => s === 0)) fail(fn, 'a row of the table is empty');
  const colSums = Array.from({ length: width }, (_, j) => table.reduce((a, r) => a + r[j]!, 0));
  const cols = colSums.flatMap((s, j) => (s > 0 ? [j] : []));
  const total = rowSums.reduce((a, b) => a + b, 0);
  if (cols.length < 2) return { statistic: 0, df: 0, p: 1 };
  const statistic = statisticOf(table, rowSums, colSums, cols, total);
  const df = (table.length - 1) * (cols.length - 1);
  let minExpected = Number.POSITIVE_INFINITY;
  for (const r of rowSums)
    for (const j of cols) minExpected = Math.min(minExpected, (r * colSums[j]!) / total);
  const simulate = opts.simulate ?? (minExpected < 5 ? 999 : 0);
  if (simulate > 0) {
    const p = simulatedP(statistic, rowSums, colSums, cols, total, simulate, opts.seed);
    return { statistic, df, p, simulated: simulate };
  }
  return { statistic, df, p: chiSquareSf(statistic, df) };
}

/** Share of tables with the observed margins, drawn under homogeneity, at least as extreme. */
function simulatedP(
  observed: number,
  rowSums: number[],
  colSums: number[],
  cols: number[],
  total: number,
  simulate: number,
  seed = DEFAULT_SEED,
): number {
  const labels = new Uint32Array(total);
  let at = 0;
  for (let j = 0; j < colSums.length; j++) for (let c = 0; c < colSums[j]!; c++) labels[at++] = j;
  const rng = createRng(seed);
  const table = rowSums.map(() => new Float64Array(colSums.length));
  // Only the rows other than the largest are drawn (a partial shuffle); the largest gets the rest.
  let largest = 0;
  for (let i = 1; i < rowSums.length; i++) if (rowSums[i]! > rowSums[largest]!) largest = i;
  let atLeast = 0;
  for (let b = 0; b < simulate; b++) {
    for (const row of table) row.fill(0);
    let pos = 0;
    for (let i = 0; i < rowSums.length; i++) {
      if (i === largest) continue;
      for (let c = 0; c < rowSums[i]!; c++, pos++) {
        const j = pos + rng.nextInt(total - pos);
        const t = labels[pos]!;
        labels[pos] = labels[j]!;
        labels[j] = t;
        table[i]![labels[pos]!]!++;
      }
    }
    const rest = table[largest]!;
    for (let j = 0; j < colSums.length; j++) {
      let taken = 0;
      for (let i = 0; i < table.length; i++) if (i !== largest) taken += table[i]![j]!;
      rest[j] = colSums[j]! - taken;
    }
    if (statisticOf(table, rowSums, colSums, cols, total) >= observed - 1e-9) atLeast++;
  }
  return (1 + atLeast) / (1 + simulate);
}
