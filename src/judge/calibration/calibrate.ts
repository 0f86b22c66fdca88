import { cohenKappa } from '../../stats/agreement.js';
import { kendallTau, pearson, spearman } from '../../stats/correlation.js';
import { type CorrelationKind, fisherInterval } from '../../stats/fisher-interval.js';
import { krippendorffAlpha } from '../../stats/krippendorff.js';

/** One output rated by the judge and by humans. */
export interface CalibrationPair {
  caseId: string;
  target: string;
  /** The judge's score on its own scale (mean over repeats). */
  judge: number;
  /** Each human rating, with its rater when known. */
  ratings: { score: number; rater?: string }[];
  /**
   * The humans' label when it is not the mean of `ratings`: a review queue's aggregate (median, or an
   * admin's consensus). Correlations, pass/fail agreement and gaps use it; kappa and the humans' own
   * agreement still use every rating.
   */
  human?: number;
  reasoning?: string;
}

export interface Correlation {
  value: number;
  p: number;
  /** 95% interval by Fisher's z with Bonett–Wright standard errors (no resampling). */
  lo: number;
  hi: number;
}

export interface Calibration {
  evaluator: string;
  n: number;
  scale?: [number, number];
  threshold?: number;
  pearson: Correlation | null;
  spearman: Correlation | null;
  kendall: Correlation | null;
  /**
   * Quadratic-weighted Cohen's kappa on the declared scale's integer levels: every individual human
   * rating against the judge's level for that output (not the human mean rounded, which biases up).
   */
  kappa: number | null;
  /** Pass/fail at the threshold: judge vs human mean. */
  passAgreement: { agree: number; total: number; share: number } | null;
  /** The humans' own agreement: Krippendorff's alpha (interval) over cases with two or more ratings. */
  humanAgreement: { units: number; maxRaters: number; alpha: number | null } | null;
  /** Counts per level: the judge's per output, the humans' per rating. */
  distributions: { levels: string[]; judge: number[]; human: number[] };
  /** The cases where judge and humans disagree most, with the judge's reasoning. */
  gaps: { caseId: string; target: string; judge: number; human: number; gap: number; reasoning?: string }[];
  /**
   * The brief: trust the judge at a correlation of 0.8 or more with humans. Decided on the Spearman
   * interval, with at least MIN_DECISIVE_N outputs: `trusted` when its lower bound is 0.8 or more,
   * `revise the judge prompt` when its upper bound is below 0.8 (or the judge or humans never vary),
   * else `not enough evidence`.
   */
  verdict: CalibrationVerdict;
  notes: string[];
}

export type CalibrationVerdict = 'trusted' | 'revise the judge prompt' | 'not enough evidence';

export const TRUSTED_SPEARMAN = 0.8;
/** Fewer labelled outputs than this decide nothing: the interval formulas need about 10 (Bonett & Wright 2000). */
export const MIN_DECISIVE_N = 10;

/**
 * A non-integer judge score (a mean over repeats) on an integer level: halves go to the even level, so
 * binning is not biased up (2.5 → 2, 3.5 → 4), as half-up rounding is.
 */
export function levelOf(x: number, min: number, max: number): number {
  const f = Math.floor(x);
  const r = x - f === 0.5 ? (f % 2 === 0 ? f : f + 1) : Math.round(x);
  return Math.min(max, Math.max(min, r));
}

function decide(sr: Correlation | null, n: number): CalibrationVerdict {
  if (sr === null) return 'revise the judge prompt';
  if (n >= MIN_DECISIVE_N && sr.lo >= TRUSTED_SPEARMAN) return 'trusted';
  if (n >= MIN_DECISIVE_N && sr.hi < TRUSTED_SPEARMAN) return 'revise the judge prompt';
  return 'not enough evidence';
}

/**
 * How well a judge agrees with human labels on the same outputs: correlations (judge vs the human
 * mean) with Fisher-z intervals, weighted kappa on the individual ratings, pass/fail agreement, the
 * humans' own agreement, the two score distributions, the largest disagreements, and a verdict decided
 * on the Spearman interval rather than its point estimate.
 */
export function calibrate(
  evaluator: string,
  pairs: CalibrationPair[],
  options: {
    scale?: [number, number];
    threshold?: number;
    gaps?: number;
  } = {},
): Calibration {
  const notes: string[] = [];
  const judge = pairs.map((p) => p.judge);
  const human = pairs.map(humanOf);
  const corr = (
    name: string,
    kind: CorrelationKind,
    f: (x: number[], y: number[]) => { value: number; p: number },
  ): Correlation | null => {
    try {
      const { value, p } = f(judge, human);
      const [lo, hi] = fisherInterval(value, pairs.length, kind);
      return { value, p, lo, hi };
    } catch (error) {
      notes.push(`${name}: ${(error as Error).message}`);
      return null;
    }
  };
  const pr = corr('Pearson', 'pearson', (x, y) => {
    const r = pearson(x, y);
    return { value: r.r, p: r.p };
  });
  const sr = corr('Spearman', 'spearman', (x, y) => {
    const r = spearman(x, y);
    return { value: r.rho, p: r.p };
  });
  const kt = corr('Kendall', 'kendall', (x, y) => {
    const r = kendallTau(x, y);
    return { value: r.tau, p: r.p };
  });
  if (pairs.length < 30)
    notes.push(
      `only ${pairs.length} labelled outputs: the intervals are wide; label 50 or more before deciding`,
    );

  const [min, max] = options.scale ?? [
    Math.floor(Math.min(...judge, ...human)),
    Math.ceil(Math.max(...judge, ...human)),
  ];
  const level = (x: number) => levelOf(x, min, max);
  // Every individual rating against the judge's level: averaging raters and rounding the mean would
  // move a 2-and-3 case to 3. Categories are the whole declared scale, not the levels that occur.
  const judgeByRating = pairs.flatMap((p) => p.ratings.map(() => level(p.judge)));
  const ratings = pairs.flatMap((p) => p.ratings.map((r) => level(r.score)));
  let kappa: number | null = null;
  try {
    const categories = Array.from({ length: max - min + 1 }, (_, i) => min + i);
    kappa = cohenKappa(judgeByRating, ratings, { weights: 'quadratic', categories });
  } catch (error) {
    notes.push(`kappa: ${(error as Error).message}`);
  }
  const t = options.threshold;
  const passAgreement =
    t === undefined
      ? null
      : (() => {
          const agree = pairs.filter((_, i) => judge[i]! >= t === human[i]! >= t).length;
          return { agree, total: pairs.length, share: pairs.length ? agree / pairs.length : 0 };
        })();

  const levels: string[] = [];
  const jd: number[] = [];
  const hd: number[] = [];
  if (max - min <= 20) {
    for (let l = min; l <= max; l++) {
      levels.push(String(l));
      jd.push(judge.filter((x) => level(x) === l).length);
      hd.push(ratings.filter((x) => x === l).length);
    }
  }
  const gaps = largestGaps(pairs, options.gaps ?? 10);

  return {
    evaluator,
    n: pairs.length,
    ...(options.scale ? { scale: options.scale } : {}),
    ...(t === undefined ? {} : { threshold: t }),
    pearson: pr,
    spearman: sr,
    kendall: kt,
    kappa,
    passAgreement,
    humanAgreement: raterAgreement(pairs, notes),
    distributions: { levels, judge: jd, human: hd },
    gaps,
    verdict: decide(sr, pairs.length),
    notes,
  };
}

/** The humans' label of a pair: the queue's aggregate when given, else the mean of the ratings. */
export const humanOf = (p: CalibrationPair) =>
  p.human ?? p.ratings.reduce((s, r) => s + r.score, 0) / p.ratings.length;

/**
 * The `n` pairs where judge and humans disagree most: the absolute difference of the judge's score
 * and the humans' label, largest first; ties by case id, then target, so the same pairs give the
 * same list. What `calibrate()` reports as `gaps` and `assay review add --disagreements` queues.
 */
export function largestGaps(pairs: CalibrationPair[], n: number): Calibration['gaps'] {
  return pairs
    .map((p) => {
      const human = humanOf(p);
      return {
        caseId: p.caseId,
        target: p.target,
        judge: p.judge,
        human,
        gap: Math.abs(p.judge - human),
        ...(p.reasoning ? { reasoning: p.reasoning } : {}),
      };
    })
    .sort(
      (a, b) =>
        b.gap - a.gap ||
        (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0) ||
        (a.target < b.target ? -1 : a.target > b.target ? 1 : 0),
    )
    .slice(0, n);
}

function raterAgreement(pairs: CalibrationPair[], notes: string[]): Calibration['humanAgreement'] {
  const multi = pairs.filter((p) => p.ratings.length >= 2);
  if (multi.length === 0) return null;
  const named = pairs.every((p) => p.ratings.every((r) => r.rater !== undefined));
  // Alpha needs a value per rater and unit; anonymous raters are laid out by their order per case.
  const raters = named
    ? [...new Set(pairs.flatMap((p) => p.ratings.map((r) => r.rater!)))]
    : Array.from({ length: Math.max(...pairs.map((p) => p.ratings.length)) }, (_, i) => String(i));
  const data = raters.map((rater, ri) =>
    pairs.map((p) =>
      named ? (p.ratings.find((r) => r.rater === rater)?.score ?? null) : (p.ratings[ri]?.score ?? null),
    ),
  );
  const maxRaters = Math.max(...pairs.map((p) => p.ratings.length));
  try {
    return { units: multi.length, maxRaters, alpha: krippendorffAlpha(data, { level: 'interval' }) };
  } catch (error) {
    notes.push(`human agreement: ${(error as Error).message}`);
    return { units: multi.length, maxRaters, alpha: null };
  }
}
