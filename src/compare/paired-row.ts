import { bootstrap } from '../stats/bootstrap.js';
import { mean } from '../stats/descriptive.js';
import { type ClusterCount, clusteredProportion, wilson } from '../stats/intervals.js';
import { mcnemar, mcnemarIsExact } from '../stats/paired-tests.js';
import { signFlipTest } from '../stats/sign-flip.js';

export interface Side {
  value: number;
  interval: [number, number];
}

export type PairedTest = 'mcnemar-exact' | 'mcnemar' | 'sign-flip' | 'none';

export interface PairedResult {
  baseline: Side;
  candidate: Side;
  /** The mean paired difference, candidate − baseline: the quantity the test is about. */
  diff: number;
  test: PairedTest;
  p: number;
}

const BOOT = { iterations: 1000, seed: 7 };

const isBinary = (xs: number[]) => xs.every((x) => x === 0 || x === 1);

function rateSide(xs: number[]): Side {
  const passes = xs.reduce((a, b) => a + b, 0);
  return { value: passes / xs.length, interval: wilson(passes, xs.length) };
}

/** A rate over repeats: pooled over tries, its interval clustered by case (as `assay eval`'s). */
function clusteredSide(counts: ClusterCount[]): Side {
  const ci = clusteredProportion(counts);
  return { value: ci.estimate, interval: [ci.lo, ci.hi] };
}

function meanSide(xs: number[]): Side {
  const b = bootstrap(xs, mean, BOOT);
  return { value: mean(xs), interval: [b.lo, b.hi] };
}

/**
 * The test that fits the pairs, always about the mean paired difference it reports: McNemar on 0/1
 * pairs (its b and c are the pass→fail and fail→pass pairs, so it tests the difference of the rates),
 * and otherwise the sign-flip permutation test of the mean difference. Not the signed-rank test:
 * it tests a shift of the median of the differences, and when most cases fall a little while a few rise
 * a lot it calls a mean that rose "significant" and the verdict's direction says "improved".
 *
 * No bootstrap p either: with 1–5 pairs all moving one way its resamples never cross zero and p hits
 * its floor, calling two cases a regression. The exact sign-flip floor, 2 / 2^n, says honestly that
 * so few pairs cannot show a change.
 */
export function testPairs(
  base: number[],
  cand: number[],
  /** For rates over repeats: each case's count out of its tries, for intervals that know about repeats. */
  counts?: { base: ClusterCount[]; cand: ClusterCount[] },
): PairedResult {
  const binary = isBinary(base) && isBinary(cand);
  const sideOf = (xs: number[], c: ClusterCount[] | undefined) =>
    binary ? rateSide(xs) : c ? clusteredSide(c) : meanSide(xs);
  const baseline = sideOf(base, counts?.base);
  const candidate = sideOf(cand, counts?.cand);
  const d = cand.map((y, i) => y - base[i]!);
  if (binary) {
    let b = 0;
    let c = 0;
    for (let i = 0; i < base.length; i++) {
      if (base[i] === 1 && cand[i] === 0) b++;
      else if (base[i] === 0 && cand[i] === 1) c++;
    }
    const exact = mcnemarIsExact(b, c);
    return {
      baseline,
      candidate,
      diff: (c - b) / base.length,
      test: exact ? 'mcnemar-exact' : 'mcnemar',
      p: mcnemar(b, c, { exact, correction: true }).p,
    };
  }
  const flip = signFlipTest(d);
  return { baseline, candidate, diff: flip.mean, test: 'sign-flip', p: flip.p };
}
