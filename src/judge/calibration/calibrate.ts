import { cohenKappa } from '../../stats/agreement.js';
import { kendallTau, pearson, spearman } from '../../stats/correlation.js';
import { krippendorffAlpha } from '../../stats/krippendorff.js';
import { correlationInterval } from './bootstrap-correlation.js';

/** One output rated by the judge and by humans. */
export interface CalibrationPair {
  caseId: string;
  target: string;
  /** The judge's score on its own scale (mean over repeats). */
  judge: number;
  /** Each human rating, with its rater when known. */
  ratings: { score: number; rater?: string }[];
  reasoning?: string;
}

export interface Correlation {
  value: number;
  p: number;
  /** 95% percentile bootstrap interval over cases. */
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
  /** Quadratic-weighted Cohen's kappa, judge and human mean rounded to the integer scale. */
  kappa: number | null;
  /** Pass/fail at the threshold: judge vs human mean. */
  passAgreement: { agree: number; total: number; share: number } | null;
  /** The humans' own agreement: Krippendorff's alpha (interval) over cases with two or more ratings. */
  humanAgreement: { units: number; maxRaters: number; alpha: number | null } | null;
  distributions: { levels: string[]; judge: number[]; human: number[] };
  /** The cases where judge and humans disagree most, with the judge's reasoning. */
  gaps: { caseId: string; target: string; judge: number; human: number; gap: number; reasoning?: string }[];
  /** The brief: trust the judge at a correlation of 0.8 or more with humans, else revise its prompt. */
  verdict: 'trusted' | 'revise the judge prompt';
  notes: string[];
}

export const TRUSTED_SPEARMAN = 0.8;

/**
 * How well a judge agrees with human labels on the same outputs: correlations with bootstrap
 * intervals, weighted kappa, pass/fail agreement, the humans' own agreement, the two score
 * distributions and the largest disagreements.
 */
export function calibrate(
  evaluator: string,
  pairs: CalibrationPair[],
  options: {
    scale?: [number, number];
    threshold?: number;
    iterations?: number;
    seed?: number;
    gaps?: number;
  } = {},
): Calibration {
  const notes: string[] = [];
  const judge = pairs.map((p) => p.judge);
  const human = pairs.map((p) => p.ratings.reduce((s, r) => s + r.score, 0) / p.ratings.length);
  const boot = { iterations: options.iterations ?? 2000, seed: options.seed ?? 1 };
  const skipped = new Set<number>();
  const corr = (
    name: string,
    f: (x: number[], y: number[]) => number,
    p: () => number,
  ): Correlation | null => {
    try {
      const value = f(judge, human);
      const ci = correlationInterval(judge, human, f, boot);
      if (ci.skipped) skipped.add(ci.skipped);
      return { value, p: p(), lo: ci.lo, hi: ci.hi };
    } catch (error) {
      notes.push(`${name}: ${(error as Error).message}`);
      return null;
    }
  };
  const pr = corr(
    'Pearson',
    (x, y) => pearson(x, y).r,
    () => pearson(judge, human).p,
  );
  const sr = corr(
    'Spearman',
    (x, y) => spearman(x, y).rho,
    () => spearman(judge, human).p,
  );
  const kt = corr(
    'Kendall',
    (x, y) => kendallTau(x, y).tau,
    () => kendallTau(judge, human).p,
  );
  for (const k of skipped)
    notes.push(`${k} of ${boot.iterations} bootstrap resamples had no variation and were left out`);
  if (pairs.length < 30)
    notes.push(
      `only ${pairs.length} labelled outputs: the intervals are wide; label 50 or more before deciding`,
    );

  const [min, max] = options.scale ?? [
    Math.floor(Math.min(...judge, ...human)),
    Math.ceil(Math.max(...judge, ...human)),
  ];
  const level = (x: number) => Math.min(max, Math.max(min, Math.round(x)));
  let kappa: number | null = null;
  try {
    kappa = cohenKappa(judge.map(level), human.map(level), { weights: 'quadratic' });
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
      hd.push(human.filter((x) => level(x) === l).length);
    }
  }
  const gaps = pairs
    .map((p, i) => ({
      caseId: p.caseId,
      target: p.target,
      judge: judge[i]!,
      human: human[i]!,
      gap: Math.abs(judge[i]! - human[i]!),
      ...(p.reasoning ? { reasoning: p.reasoning } : {}),
    }))
    .sort((a, b) => b.gap - a.gap || a.caseId.localeCompare(b.caseId))
    .slice(0, options.gaps ?? 10);

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
    verdict: sr !== null && sr.value >= TRUSTED_SPEARMAN ? 'trusted' : 'revise the judge prompt',
    notes,
  };
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
