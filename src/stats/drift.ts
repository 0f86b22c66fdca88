import { percentileOfSorted, sortedCopy } from './descriptive.js';
import { checkFinite, checkInteger, checkResult, checkSameLength, fail } from './validate.js';

export interface PsiOptions {
  /** Number of quantile bins of the expected sample (default 10); duplicate cut points are merged. */
  bins?: number;
}

/** Proportions below this are raised to it in PSI, so that empty bins give a finite index. */
const PSI_FLOOR = 1e-4;

function binProportions(sorted: Float64Array, cuts: Float64Array): Float64Array {
  // Bin i holds values in (cuts[i-1], cuts[i]]; the first starts at -Infinity, the last ends at +Infinity.
  const props = new Float64Array(cuts.length + 1);
  let start = 0;
  for (let i = 0; i < cuts.length; i++) {
    let lo = start;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= cuts[i]!) lo = mid + 1;
      else hi = mid;
    }
    props[i] = lo - start;
    start = lo;
  }
  props[cuts.length] = sorted.length - start;
  for (let i = 0; i < props.length; i++) props[i] = Math.max(PSI_FLOOR, props[i]! / sorted.length);
  return props;
}

/**
 * Population stability index between a reference (`expected`) and a current (`actual`) sample:
 * sum over bins of (a_i - e_i) ln(a_i / e_i). The cut points are the expected sample's quantiles at
 * 1/bins, 2/bins, ... (numpy-linear percentiles), duplicates merged, bins right-closed and open-ended;
 * proportions below 1e-4 are raised to 1e-4 so empty bins stay finite. Rule of thumb: < 0.1 stable,
 * 0.1 to 0.25 some shift, > 0.25 a large shift.
 *
 * @example
 * psi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 1, 2, 2, 3, 3, 4, 4, 9, 10], { bins: 2 }); // 0.416
 * psi(lastWeekScores, todayScores); // 10 decile bins
 */
export function psi(expected: number[], actual: number[], opts: PsiOptions = {}): number {
  const fn = 'psi';
  checkFinite(fn, 'expected', expected);
  checkFinite(fn, 'actual', actual);
  const bins = opts.bins ?? 10;
  checkInteger(fn, 'bins', bins, 2);
  const e = sortedCopy(expected);
  const a = sortedCopy(actual);
  const cuts: number[] = [];
  for (let i = 1; i < bins; i++) {
    const q = percentileOfSorted(e, (100 * i) / bins);
    if (cuts.length === 0 || q > cuts[cuts.length - 1]!) cuts.push(q);
  }
  const cutArray = Float64Array.from(cuts);
  return psiOfProportions(binProportions(e, cutArray), binProportions(a, cutArray));
}

/** sum (a_i - e_i) ln(a_i / e_i) over proportions already raised to PSI_FLOOR. */
function psiOfProportions(pe: Float64Array, pa: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < pe.length; i++) sum += (pa[i]! - pe[i]!) * Math.log(pa[i]! / pe[i]!);
  return sum;
}

/**
 * Population stability index of two sets of category counts (same categories, same order):
 * `psi` over categories instead of quantile bins, proportions below 1e-4 raised to 1e-4 likewise.
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
  const floored = (counts: number[], total: number) =>
    Float64Array.from(counts, (c) => Math.max(PSI_FLOOR, c / total));
  return psiOfProportions(floored(expected, te), floored(actual, ta));
}

function normalised(fn: string, name: string, v: number[]): Float64Array {
  checkFinite(fn, name, v);
  let total = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i]! < 0) fail(fn, `${name}[${i}] is negative (${v[i]})`);
    total += v[i]!;
  }
  if (!(total > 0)) fail(fn, `${name} sums to 0, it is not a distribution`);
  return Float64Array.from(v, (x) => x / total);
}

/**
 * Jensen-Shannon divergence in bits (base 2), in [0, 1], between two discrete distributions over the same
 * categories: JS = KL(p || m) / 2 + KL(q || m) / 2 with m = (p + q) / 2 and 0 log 0 = 0. Inputs are
 * non-negative weights and are normalised to sum 1 (so counts work). Its square root is scipy's
 * `jensenshannon(p, q, base=2)` distance.
 *
 * @example
 * jsDivergence([1, 0], [0, 1]); // 1
 * jsDivergence([0.5, 0.5], [0.5, 0.5]); // 0
 */
export function jsDivergence(p: number[], q: number[]): number {
  const fn = 'jsDivergence';
  checkSameLength(fn, p, q, ['p', 'q']);
  const pn = normalised(fn, 'p', p);
  const qn = normalised(fn, 'q', q);
  let sum = 0;
  for (let i = 0; i < pn.length; i++) {
    const a = pn[i]!;
    const b = qn[i]!;
    const m = (a + b) / 2;
    if (a > 0) sum += a * Math.log2(a / m);
    if (b > 0) sum += b * Math.log2(b / m);
  }
  return Math.min(1, Math.max(0, sum / 2));
}

/**
 * First Wasserstein (earth mover's) distance between the empirical distributions of two 1-D samples:
 * the integral of |F_x(t) - F_y(t)| dt, as scipy.stats.wasserstein_distance without weights.
 *
 * @example
 * wasserstein([0, 1, 3], [5, 6, 8]); // 5
 */
export function wasserstein(x: number[], y: number[]): number {
  const fn = 'wasserstein';
  checkFinite(fn, 'x', x);
  checkFinite(fn, 'y', y);
  const a = sortedCopy(x);
  const b = sortedCopy(y);
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let total = 0;
  let prev = Math.min(a[0]!, b[0]!);
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    // Between prev and v both CDFs are constant at i / n1 and j / n2.
    total += Math.abs(i / n1 - j / n2) * (v - prev);
    while (i < n1 && a[i]! <= v) i++;
    while (j < n2 && b[j]! <= v) j++;
    prev = v;
  }
  return checkResult(fn, total);
}
