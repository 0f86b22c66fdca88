import { checkConfidence, checkFinite, checkInteger, checkNumber, checkResult, fail } from './validate.js';

/**
 * Arithmetic mean.
 *
 * @example
 * mean([1, 2, 3, 4]); // 2.5
 */
export function mean(values: number[]): number {
  checkFinite('mean', 'values', values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return checkResult('mean', sum / values.length);
}

/** Ascending copy as a Float64Array (numeric sort, no comparator). */
export function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** Percentile of already sorted values, linear interpolation between closest ranks; p in [0, 100]. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (h - lo) * (b - a);
}

/**
 * The p-th percentile (p in [0, 100]) with linear interpolation between the closest ranks, as numpy's
 * default (`method='linear'`): the value at fractional 0-based position (n - 1) * p / 100.
 *
 * @example
 * percentile([1, 2, 3, 4], 50); // 2.5
 * percentile([1, 2, 3, 4], 25); // 1.75
 */
export function percentile(values: number[], p: number): number {
  checkFinite('percentile', 'values', values);
  if (typeof p !== 'number' || !(p >= 0 && p <= 100))
    fail('percentile', `p must be in [0, 100] (got ${String(p)})`);
  return percentileOfSorted(sortedCopy(values), p);
}

/** The two percentiles that bound a central interval of the given confidence. */
export function centralInterval(sorted: ArrayLike<number>, confidence: number): [number, number] {
  checkConfidence('centralInterval', confidence);
  const tail = ((1 - confidence) / 2) * 100;
  return [percentileOfSorted(sorted, tail), percentileOfSorted(sorted, 100 - tail)];
}

/**
 * Relative tolerance under which two values count as equal when ranking. Floating point gives the
 * same quantity different last bits (1 - 2/3 and 1/3 - 0); ranked as distinct, such values break ties
 * that are real and move p-values a long way. Data never differs meaningfully in the ninth digit.
 */
export const TIE_TOLERANCE = 1e-9;

/** Equal to within TIE_TOLERANCE, relative to the larger magnitude. */
export function nearlyEqual(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= TIE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Indices in ascending order of value, and where each group of tied values ends in that order
 * (exclusive). Values equal to within TIE_TOLERANCE (floating-point noise) are tied: a group runs while
 * a value is nearly equal to the group's first. The one tie rule of every rank-based statistic.
 */
export function tieGroups(values: ArrayLike<number>): { order: Uint32Array; ends: number[] } {
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a]! - values[b]!);
  const ends: number[] = [];
  let i = 0;
  while (i < n) {
    let j = i + 1;
    const v = values[order[i]!]!;
    while (j < n && nearlyEqual(values[order[j]!]!, v)) j++;
    ends.push(j);
    i = j;
  }
  return { order, ends };
}

/**
 * Whether the values form a single tie group (`tieGroups`): all within floating-point noise of the
 * smallest, so they have no rank order and no rank correlation. A mean of two runs,
 * 0.8500000000000001, ties 0.85.
 */
export function allTied(values: ArrayLike<number>): boolean {
  let lo = Number.POSITIVE_INFINITY;
  for (let i = 0; i < values.length; i++) if (values[i]! < lo) lo = values[i]!;
  for (let i = 0; i < values.length; i++) if (!nearlyEqual(values[i]!, lo)) return false;
  return true;
}

/** Average ranks plus the sizes of the tie groups (groups of one included), ties as `tieGroups`. */
export function rankWithTies(values: ArrayLike<number>): { ranks: Float64Array; ties: number[] } {
  const { order, ends } = tieGroups(values);
  const ranks = new Float64Array(values.length);
  const ties: number[] = [];
  let i = 0;
  for (const j of ends) {
    const rank = (i + j + 1) / 2; // mean of the 1-based ranks i+1 .. j
    for (let k = i; k < j; k++) ranks[order[k]!] = rank;
    ties.push(j - i);
    i = j;
  }
  return { ranks, ties };
}

/**
 * Ranks from 1 to n, ties given the average of the ranks they span (scipy's `rankdata` 'average').
 * Values equal to within a relative 1e-9 are ties (floating-point noise is not an order).
 *
 * @example
 * ranks([10, 20, 20, 5]); // [2, 3.5, 3.5, 1]
 */
export function ranks(values: number[]): number[] {
  checkFinite('ranks', 'values', values);
  return Array.from(rankWithTies(values).ranks);
}

export interface HistogramOptions {
  /** Number of equal-width bins (default 10). */
  bins?: number;
  /** Left edge of the first bin (default: the smallest value). */
  min?: number;
  /** Right edge of the last bin (default: the largest value). */
  max?: number;
}

export interface Histogram {
  /** bins + 1 increasing edges. */
  edges: number[];
  /** counts[i] counts values in [edges[i], edges[i+1]); the last bin also includes its right edge. */
  counts: number[];
}

/**
 * Equal-width histogram with numpy's conventions: bins are half-open except the last, which is closed;
 * values outside [min, max] are not counted; when min === max the range is widened to min - 0.5 .. max + 0.5.
 *
 * @example
 * histogram([1, 2, 2, 3, 4], { bins: 3 }); // { edges: [1, 2, 3, 4], counts: [1, 2, 2] }
 */
export function histogram(values: number[], opts: HistogramOptions = {}): Histogram {
  const fn = 'histogram';
  checkFinite(fn, 'values', values);
  const bins = opts.bins ?? 10;
  checkInteger(fn, 'bins', bins, 1);
  let lo = opts.min;
  let hi = opts.max;
  if (lo === undefined || hi === undefined) {
    let vmin = Number.POSITIVE_INFINITY;
    let vmax = Number.NEGATIVE_INFINITY;
    for (const v of values) {
      if (v < vmin) vmin = v;
      if (v > vmax) vmax = v;
    }
    lo ??= vmin;
    hi ??= vmax;
  }
  checkNumber(fn, 'min', lo);
  checkNumber(fn, 'max', hi);
  if (lo > hi) fail(fn, `min must not exceed max (${lo} > ${hi})`);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) edges.push(i === bins ? hi : lo + ((hi - lo) * i) / bins);
  const counts = new Array<number>(bins).fill(0);
  const scale = bins / (hi - lo);
  for (const v of values) {
    if (v < lo || v > hi) continue;
    let i = Math.min(bins - 1, Math.floor((v - lo) * scale));
    // Floating point may put a value next to an edge in the neighbouring bin: settle it by the edges.
    if (v < edges[i]!) i--;
    else if (i < bins - 1 && v >= edges[i + 1]!) i++;
    counts[i]!++;
  }
  return { edges, counts };
}
