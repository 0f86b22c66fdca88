import { checkResult, fail } from './validate.js';

export type KrippendorffLevel = 'nominal' | 'ordinal' | 'interval' | 'ratio';

export interface KrippendorffOptions {
  /** Level of measurement, which sets the difference function (default 'nominal'). */
  level?: KrippendorffLevel;
}

const LEVELS: readonly KrippendorffLevel[] = ['nominal', 'ordinal', 'interval', 'ratio'];

/** The ratio level's expected disagreement is O(distinct values^2): about 1.5 s at this many. */
const RATIO_MAX_DISTINCT = 20_000;

/** Pairable units (those with at least two values), their values stored one unit after another. */
interface Units {
  /** Start offset of each pairable unit, plus a final end offset. */
  starts: Int32Array;
  /** Nominal: category code of each value. */
  codes: Int32Array;
  /** Numeric levels: each value. */
  values: Float64Array;
  /** Nominal: how many pairable values fall in each category (n_c). */
  counts: Float64Array;
}

function checkShape(fn: string, data: (string | number | null)[][]): number {
  if (!Array.isArray(data) || data.length === 0) fail(fn, 'data is empty (rows are raters)');
  const units = Array.isArray(data[0]) ? data[0].length : -1;
  for (let r = 0; r < data.length; r++) {
    const row = data[r];
    if (!Array.isArray(row)) fail(fn, `data[${r}] must be an array of values (one per unit)`);
    if (row.length !== units) {
      fail(fn, `every rater needs one entry per unit (row 0 has ${units}, row ${r} has ${row.length})`);
    }
  }
  if (units === 0) fail(fn, 'there are no units (columns)');
  return units;
}

/** Reads the data column by column, keeping the pairable units. Nominal values become category codes. */
function collect(fn: string, data: (string | number | null)[][], nominal: boolean): Units {
  const raters = data.length;
  const units = checkShape(fn, data);
  const index = new Map<string | number, number>();
  const codes = new Int32Array(nominal ? raters * units : 0);
  const values = new Float64Array(nominal ? 0 : raters * units);
  const starts: number[] = [0];
  let length = 0;
  for (let u = 0; u < units; u++) {
    let m = 0;
    for (let r = 0; r < raters; r++) {
      const v = data[r]![u];
      if (v === null || v === undefined) continue;
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) fail(fn, `data[${r}][${u}] is not a finite number (${v})`);
      } else if (typeof v !== 'string' || !nominal) {
        const want = nominal ? 'a string or a number' : 'a number';
        fail(fn, `data[${r}][${u}] must be ${want} or null (got ${JSON.stringify(v)})`);
      }
      if (nominal) {
        let code = index.get(v);
        if (code === undefined) {
          code = index.size;
          index.set(v, code);
        }
        codes[length + m] = code;
      } else {
        values[length + m] = v as number;
      }
      m++;
    }
    // A unit with a single value has no pair: drop it by not advancing past it.
    if (m < 2) continue;
    length += m;
    starts.push(length);
  }
  const counts = new Float64Array(index.size);
  for (let i = 0; i < (nominal ? length : 0); i++) counts[codes[i]!]!++;
  return {
    starts: Int32Array.from(starts),
    codes: codes.subarray(0, nominal ? length : 0),
    values: values.subarray(0, nominal ? 0 : length),
    counts,
  };
}

/**
 * Observed and expected disagreement sums for the interval metric (v - w)^2, without a value x value
 * matrix: within a unit of m values the sum over ordered pairs of (v_i - v_j)^2 is 2 m SS, SS being the
 * squared deviations from the unit's mean; over all n pairable values it is 2 n SS_total.
 */
function intervalSums(starts: Int32Array, values: Float64Array): [number, number] {
  let observed = 0;
  for (let u = 0; u + 1 < starts.length; u++) {
    const a = starts[u]!;
    const b = starts[u + 1]!;
    const m = b - a;
    let sum = 0;
    for (let i = a; i < b; i++) sum += values[i]!;
    const mu = sum / m;
    let ss = 0;
    for (let i = a; i < b; i++) {
      const d = values[i]! - mu;
      ss += d * d;
    }
    observed += (2 * m * ss) / (m - 1);
  }
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mu = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mu;
    ss += d * d;
  }
  return [observed, 2 * n * ss];
}

/** Distinct values of a sorted array with their counts. */
function distinct(sorted: Float64Array): { keys: Float64Array; counts: Float64Array } {
  const keys: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) counts[counts.length - 1]!++;
    else {
      keys.push(sorted[i]!);
      counts.push(1);
    }
  }
  return { keys: Float64Array.from(keys), counts: Float64Array.from(counts) };
}

/** Index of `v` in the sorted distinct `keys` (present by construction). */
function find(keys: Float64Array, v: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function ratioDelta(x: number, y: number): number {
  const s = x + y;
  if (s === 0) return 0;
  const d = (x - y) / s;
  return d * d;
}

/**
 * Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability") for any number
 * of raters, missing values and the four levels of measurement. `data[r][u]` is rater r's value for
 * unit u, null when missing. Units with fewer than two values are not pairable and are left out.
 *
 * alpha = 1 - (n - 1) * sum_u [sum_{i != j in u} delta^2 / (m_u - 1)] / sum_{c, k} n_c n_k delta^2, i.e.
 * 1 - D_o / D_e from the coincidence matrix, computed without building it: nominal counts unequal pairs
 * per unit (O(units x raters^2)); interval uses sums of squares (linear); ordinal is the interval metric on
 * the values' mid-ranks among all pairable values (Krippendorff's ordinal delta is exactly that
 * difference, squared); ratio, ((c - k) / (c + k))^2 on non-negative values, sums pairs within units and
 * over distinct values (O(distinct values^2), so it refuses more than 20,000 distinct values).
 * Throws when there is no variation, where alpha is undefined.
 *
 * @example
 * krippendorffAlpha([[1, 2, 3, 3], [1, 2, 3, 4], [null, 2, 3, 3]]); // 0.756 (nominal)
 * krippendorffAlpha(data, { level: 'interval' }); // 0.849 on Krippendorff's 4 x 12 example
 */
export function krippendorffAlpha(
  data: (string | number | null)[][],
  opts: KrippendorffOptions = {},
): number {
  const fn = 'krippendorffAlpha';
  const level = opts.level ?? 'nominal';
  if (!LEVELS.includes(level)) fail(fn, `level must be one of ${LEVELS.join(', ')} (got ${String(level)})`);
  const { starts, codes, values, counts } = collect(fn, data, level === 'nominal');
  const n = level === 'nominal' ? codes.length : values.length;
  if (n === 0) fail(fn, 'no unit has two or more values, so nothing is pairable');
  let observed = 0;
  let expected = 0;
  if (level === 'nominal') {
    for (let u = 0; u + 1 < starts.length; u++) {
      const a = starts[u]!;
      const b = starts[u + 1]!;
      let unequal = 0;
      for (let i = a; i < b; i++) {
        for (let j = i + 1; j < b; j++) if (codes[i] !== codes[j]) unequal++;
      }
      observed += (2 * unequal) / (b - a - 1);
    }
    let squares = 0;
    for (let c = 0; c < counts.length; c++) squares += counts[c]! * counts[c]!;
    expected = n * n - squares;
  } else if (level === 'interval') {
    [observed, expected] = intervalSums(starts, values);
  } else if (level === 'ordinal') {
    // delta(c, k) = sum_{g=c..k} n_g - (n_c + n_k) / 2 = M_k - M_c with M_c = sum_{g<c} n_g + n_c / 2,
    // so ordinal alpha is interval alpha on the mid-ranks M of the values.
    const { keys, counts: nc } = distinct(Float64Array.from(values).sort());
    const midRank = new Float64Array(keys.length);
    let below = 0;
    for (let c = 0; c < keys.length; c++) {
      midRank[c] = below + nc[c]! / 2;
      below += nc[c]!;
    }
    const ranked = values.map((v) => midRank[find(keys, v)]!);
    [observed, expected] = intervalSums(starts, ranked);
  } else {
    const { keys, counts: nc } = distinct(Float64Array.from(values).sort());
    if (keys[0]! < 0) fail(fn, `the ratio level needs non-negative values (got ${keys[0]})`);
    for (let u = 0; u + 1 < starts.length; u++) {
      const a = starts[u]!;
      const b = starts[u + 1]!;
      let sum = 0;
      for (let i = a; i < b; i++) {
        for (let j = i + 1; j < b; j++) sum += ratioDelta(values[i]!, values[j]!);
      }
      observed += (2 * sum) / (b - a - 1);
    }
    if (keys.length > RATIO_MAX_DISTINCT) {
      fail(
        fn,
        `the ratio level compares every pair of distinct values and there are ${keys.length} (at most ${RATIO_MAX_DISTINCT}): round the values`,
      );
    }
    for (let c = 0; c < keys.length; c++) {
      const kc = keys[c]!;
      let row = 0;
      for (let d = c + 1; d < keys.length; d++) {
        const kd = keys[d]!;
        const r = (kd - kc) / (kd + kc); // kd > kc >= 0, so kd + kc > 0
        row += nc[d]! * r * r;
      }
      expected += 2 * nc[c]! * row;
    }
  }
  if (!(expected > 0)) fail(fn, 'all pairable values are equal: there is no variation, alpha is undefined');
  return checkResult(fn, 1 - ((n - 1) * observed) / expected);
}
