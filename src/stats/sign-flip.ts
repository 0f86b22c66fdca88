import { TIE_TOLERANCE } from './descriptive.js';
import { randomSubsetSumDistribution } from './distributions.js';
import { createRng, DEFAULT_SEED } from './random.js';
import { checkFinite, checkInteger } from './validate.js';

export interface SignFlipOptions {
  /** Random sign flips when the exact distribution is out of reach (default 20,000). */
  iterations?: number;
  /** Seed of the generator for those flips (default DEFAULT_SEED). */
  seed?: number;
}

export interface SignFlipResult {
  /** The mean paired difference, the quantity tested. */
  mean: number;
  /** Two-sided p-value for "the differences are symmetric about 0". */
  p: number;
  /** `exact`: every sign assignment counted; `monte-carlo`: random flips, p = (1 + k) / (B + 1). */
  method: 'exact' | 'monte-carlo';
}

/** Largest lattice (sum of integer magnitudes) the exact dynamic programme walks over. */
const MAX_LATTICE_WORK = 50_000_000;
const MAX_ENUMERATE = 20;

/**
 * A unit u such that every |d| is a whole multiple of it (to within 1e-6), or 0: u is the smallest |d|
 * divided by the smallest q <= 1000 that works. Pass fractions over k repeats sit on a grid of 1/k,
 * scores in tenths on a grid of 0.1.
 */
function latticeUnit(abs: number[]): number {
  const least = Math.min(...abs);
  for (let q = 1; q <= 1000; q++) {
    const unit = least / q;
    if (abs.every((a) => Math.abs(a / unit - Math.round(a / unit)) <= 1e-6)) return unit;
  }
  return 0;
}

/** P(|sum of ±m_i| >= t) over the 2^n equally likely signs, m_i whole numbers, by counting subsets. */
function latticeP(magnitudes: number[], t: number): number {
  const total = magnitudes.reduce((a, b) => a + b, 0);
  // The sum is 2 P - total, P the sum of the magnitudes given a plus sign.
  const dist = randomSubsetSumDistribution(magnitudes);
  let p = 0;
  for (let s = 0; s <= total; s++) if (Math.abs(2 * s - total) >= t) p += dist[s]!;
  return Math.min(1, p);
}

/** The same by walking all 2^n sign assignments in Gray-code order (one sign changes per step). */
function enumerateP(d: number[], t: number): number {
  const n = d.length;
  let sum = d.reduce((a, b) => a + b, 0);
  const signs = new Int8Array(n).fill(1);
  let hits = Math.abs(sum) >= t ? 1 : 0;
  const count = 2 ** n;
  for (let k = 1; k < count; k++) {
    const i = 31 - Math.clz32(k & -k); // the bit that flips between Gray codes k - 1 and k
    sum -= 2 * signs[i]! * d[i]!;
    signs[i] = -signs[i]! as 1 | -1;
    if (Math.abs(sum) >= t) hits++;
  }
  return hits / count;
}

/**
 * Paired sign-flip (permutation) test of the mean difference (Fisher 1935, §21; Pitman 1937): under
 * "no change" each difference is as likely to have either sign, so the p-value is the share of the 2^n
 * sign assignments whose |sum| is at least the observed |sum|. It tests the mean, the quantity a
 * comparison reports, unlike the signed-rank test, which can call a mean that rose "significant" because
 * most cases fell a little.
 *
 * Exact when the |differences| sit on a grid (whole multiples of one unit: pass fractions over repeats,
 * scores in tenths) or when there are at most 20 non-zero differences; otherwise `iterations` random sign
 * assignments from a seeded generator, p = (1 + k) / (B + 1), which keeps the test's level (Phipson &
 * Smyth 2010). Sums equal to within floating-point noise count as equal. All differences zero: p = 1.
 *
 * @example
 * signFlipTest([...Array(34).fill(-0.1), ...Array(6).fill(0.9)]); // { mean: 0.05, p: 0.4213, method: 'exact' }
 */
export function signFlipTest(differences: number[], opts: SignFlipOptions = {}): SignFlipResult {
  const fn = 'signFlipTest';
  checkFinite(fn, 'differences', differences);
  const iterations = opts.iterations ?? 20_000;
  const seed = opts.seed ?? DEFAULT_SEED;
  checkInteger(fn, 'iterations', iterations, 1);
  checkInteger(fn, 'seed', seed, Number.MIN_SAFE_INTEGER);
  const n = differences.length;
  const mean = differences.reduce((a, b) => a + b, 0) / n;
  const scale = differences.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
  const d = differences.filter((x) => Math.abs(x) > TIE_TOLERANCE * scale);
  if (d.length === 0) return { mean, p: 1, method: 'exact' };
  const abs = d.map(Math.abs);
  const unit = latticeUnit(abs);
  if (unit > 0) {
    const magnitudes = abs.map((a) => Math.round(a / unit));
    const total = magnitudes.reduce((a, b) => a + b, 0);
    if (total * magnitudes.length <= MAX_LATTICE_WORK) {
      const observed = Math.abs(d.reduce((s, x) => s + Math.sign(x) * Math.round(Math.abs(x) / unit), 0));
      return { mean, p: latticeP(magnitudes, observed), method: 'exact' };
    }
  }
  const observed = Math.abs(d.reduce((a, b) => a + b, 0));
  const slack = TIE_TOLERANCE * abs.reduce((a, b) => a + b, 0);
  if (d.length <= MAX_ENUMERATE) return { mean, p: enumerateP(d, observed - slack), method: 'exact' };
  const rng = createRng(seed);
  let hits = 0;
  for (let b = 0; b < iterations; b++) {
    let sum = 0;
    for (let i = 0; i < d.length; i++) sum += rng.nextUint32() & 1 ? d[i]! : -d[i]!;
    if (Math.abs(sum) >= observed - slack) hits++;
  }
  return { mean, p: (1 + hits) / (iterations + 1), method: 'monte-carlo' };
}
