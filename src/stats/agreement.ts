import { checkSameLength, fail } from './validate.js';

export type Label = string | number;

export interface CohenKappaOptions {
  /**
   * Weighted kappa (Cohen 1968) for ordered categories: disagreement weight |i - j| ('linear') or
   * (i - j)^2 ('quadratic'), where i and j are the positions of the labels among the sorted
   * `categories`, or without them among the distinct labels that occur (scikit-learn's convention).
   * Needs numeric labels. Default: unweighted.
   */
  weights?: 'linear' | 'quadratic';
  /**
   * The full list of categories (the declared scale, e.g. [1, 2, 3, 4, 5]). Weights then use each
   * label's position on that scale, not among the labels that happen to occur: without it, ratings of
   * 1, 2 and 5 would put 5 next to 2. Every label must be one of them.
   */
  categories?: Label[];
}

function checkLabels(fn: string, name: string, labels: readonly Label[]): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (typeof v === 'string') continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      fail(fn, `${name}[${i}] must be a string or a finite number (got ${String(v)})`);
    }
  }
}

/**
 * Cohen's kappa for two raters labelling the same items: (p_o - p_e) / (1 - p_e), chance agreement p_e
 * from each rater's own label frequencies; optionally weighted (linear or quadratic) for ordinal labels.
 * Throws when chance agreement is total (both raters used one and the same label throughout).
 *
 * @example
 * cohenKappa(['yes', 'no', 'yes', 'yes'], ['yes', 'no', 'no', 'yes']); // 0.5
 * cohenKappa([1, 2, 3, 3], [1, 2, 2, 3], { weights: 'quadratic' }); // 0.8
 * cohenKappa([5, 5, 1, 2, 1, 2], [2, 2, 1, 2, 1, 5], { weights: 'quadratic', categories: [1, 2, 3, 4, 5] }); // 0.0899
 */
export function cohenKappa(a: Label[], b: Label[], opts: CohenKappaOptions = {}): number {
  const fn = 'cohenKappa';
  checkSameLength(fn, a, b, ['a', 'b']);
  if (a.length === 0) fail(fn, 'a and b are empty');
  checkLabels(fn, 'a', a);
  checkLabels(fn, 'b', b);
  const weights = opts.weights;
  if (weights !== undefined && weights !== 'linear' && weights !== 'quadratic') {
    fail(fn, `weights must be 'linear' or 'quadratic' (got ${String(weights)})`);
  }
  let labels = [...new Set<Label>([...a, ...b])];
  if (opts.categories !== undefined) {
    if (!Array.isArray(opts.categories) || opts.categories.length === 0)
      fail(fn, 'categories must be a non-empty array of labels');
    checkLabels(fn, 'categories', opts.categories);
    const declared = new Set<Label>(opts.categories);
    const stray = labels.find((l) => !declared.has(l));
    if (stray !== undefined) fail(fn, `label ${JSON.stringify(stray)} is not one of the categories`);
    labels = [...declared];
  }
  if (weights) {
    if (labels.some((v) => typeof v !== 'number')) fail(fn, 'weighted kappa needs numeric labels');
    labels = (labels as number[]).sort((x, y) => x - y);
  }
  const k = labels.length;
  const index = new Map<Label, number>(labels.map((v, i) => [v, i]));
  const n = a.length;
  const observed = new Float64Array(k * k);
  const rowSums = new Float64Array(k);
  const colSums = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const r = index.get(a[i]!)!;
    const c = index.get(b[i]!)!;
    observed[r * k + c]!++;
    rowSums[r]!++;
    colSums[c]!++;
  }
  // kappa = 1 - sum(w * O) / sum(w * E), with w = 1 off the diagonal for the unweighted kappa.
  let wObserved = 0;
  let wExpected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const d = Math.abs(i - j);
      const w = weights === 'linear' ? d : weights === 'quadratic' ? d * d : d === 0 ? 0 : 1;
      if (w === 0) continue;
      wObserved += w * observed[i * k + j]!;
      wExpected += (w * rowSums[i]! * colSums[j]!) / n;
    }
  }
  if (wExpected === 0)
    fail(fn, 'both raters used a single, identical label: chance agreement is 1, kappa is undefined');
  return 1 - wObserved / wExpected;
}

/**
 * Fleiss' kappa (Fleiss 1971) for a fixed number of raters per item. `counts[i][j]` is how many raters
 * put item i in category j; every row must add up to the same number of raters (at least 2).
 * Throws when chance agreement is total (every rating in one category).
 *
 * @example
 * fleissKappa([[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], ...]); // 0.210 (Wikipedia's worked example)
 */
export function fleissKappa(counts: number[][]): number {
  const fn = 'fleissKappa';
  if (!Array.isArray(counts) || counts.length === 0) fail(fn, 'counts is empty');
  const first = counts[0];
  if (!Array.isArray(first) || first.length === 0) fail(fn, 'counts[0] has no categories');
  const k = first.length;
  const items = counts.length;
  let raters = -1;
  const colSums = new Float64Array(k);
  let agreement = 0;
  for (let i = 0; i < items; i++) {
    const row = counts[i];
    if (!Array.isArray(row) || row.length !== k) {
      fail(fn, `every row needs ${k} categories (row ${i} has ${Array.isArray(row) ? row.length : 'none'})`);
    }
    let sum = 0;
    let squares = 0;
    for (let j = 0; j < k; j++) {
      const c = row[j]!;
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) {
        fail(fn, `counts[${i}][${j}] must be a non-negative integer (got ${String(c)})`);
      }
      sum += c;
      squares += c * c;
      colSums[j]! += c;
    }
    if (raters === -1) {
      raters = sum;
      if (raters < 2) fail(fn, `each item needs at least 2 ratings (row 0 has ${raters})`);
    } else if (sum !== raters) {
      fail(fn, `every item needs the same number of ratings (row 0 has ${raters}, row ${i} has ${sum})`);
    }
    agreement += (squares - sum) / (sum * (sum - 1));
  }
  const pBar = agreement / items;
  let pe = 0;
  for (let j = 0; j < k; j++) {
    const pj = colSums[j]! / (items * raters);
    pe += pj * pj;
  }
  if (pe >= 1) fail(fn, 'every rating is in one category: chance agreement is 1, kappa is undefined');
  return (pBar - pe) / (1 - pe);
}
