import type { ResultRecord } from '../../core/run.js';
import { type JudgeAgreement, judgeAgreement } from './agreement.js';
import { type DistributionCheck, distributionCheck } from './distribution.js';
import { addJudgeEntries, type JudgeEntry, judgeEntries } from './entries.js';
import { type PositionCheck, positionCheck } from './position.js';
import { type VerbosityCheck, verbosityCheck } from './verbosity.js';

export interface SelfPreferenceCheck {
  /** Targets of the judge's own family, graded by it because `allowSameFamily` was set. */
  targets: string[];
  /** Mean score (0..1) on those targets' outputs and on the others'; null when there are none. */
  meanSame: number | null;
  meanOther: number | null;
}

/** The bias checks of one judge score (`rubric.accuracy`, `factuality`, `pairwise`…). */
export interface JudgeScoreBias {
  score: string;
  kind: JudgeEntry['kind'];
  judges: string[];
  scored: number;
  errors: number;
  position?: PositionCheck;
  verbosity: VerbosityCheck;
  distribution?: DistributionCheck;
  agreement?: JudgeAgreement;
  selfPreference?: SelfPreferenceCheck;
}

export interface JudgeBiasReport {
  scores: JudgeScoreBias[];
  /** One line per problem found, for the terminal and CI logs. */
  warnings: string[];
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
const fmt = (x: number | null) => (x === null ? '–' : x.toFixed(2));

/**
 * The bias checks of every judge evaluator of a run, computed from its results: position
 * consistency (pairwise), verbosity (length vs score), score distribution, agreement between judges,
 * and self-preference where a same-family judge was allowed. Undefined when no judge was used.
 *
 * @example
 * const report = judgeBiasReport(results);
 * if (report) for (const w of report.warnings) console.warn(w);
 */
export function judgeBiasReport(results: Iterable<ResultRecord>): JudgeBiasReport | undefined {
  return biasFromEntries(judgeEntries(results));
}

/** The same report from a stream of results (a store's), holding only the judge scores. */
export async function judgeBiasReportFrom(
  results: AsyncIterable<ResultRecord>,
): Promise<JudgeBiasReport | undefined> {
  const groups = new Map<string, JudgeEntry[]>();
  for await (const r of results) addJudgeEntries(groups, r);
  return biasFromEntries(groups);
}

function biasFromEntries(groups: Map<string, JudgeEntry[]>): JudgeBiasReport | undefined {
  if (groups.size === 0) return undefined;
  const scores: JudgeScoreBias[] = [];
  const warnings: string[] = [];
  for (const [score, entries] of groups) {
    const kind = entries[0]!.kind;
    const judges = [...new Set(entries.flatMap((e) => e.judge))];
    const b: JudgeScoreBias = {
      score,
      kind,
      judges,
      scored: entries.filter((e) => e.value !== null).length,
      errors: entries.filter((e) => e.value === null).length,
      verbosity: verbosityCheck(entries),
    };
    const position = positionCheck(entries);
    if (position) b.position = position;
    const distribution = distributionCheck(entries);
    if (distribution) b.distribution = distribution;
    const agreement = judgeAgreement(entries);
    if (agreement) b.agreement = agreement;
    const same = entries.filter((e) => e.sameFamily);
    if (same.length) {
      const values = (list: JudgeEntry[]) => list.flatMap((e) => (e.value === null ? [] : [e.value]));
      b.selfPreference = {
        targets: [...new Set(same.map((e) => e.target))],
        meanSame: mean(values(same)),
        meanOther: mean(values(entries.filter((e) => !e.sameFamily))),
      };
    }
    scores.push(b);
    warnings.push(...warningsFor(b));
  }
  return { scores, warnings };
}

function warningsFor(b: JudgeScoreBias): string[] {
  const out: string[] = [];
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  if (b.errors > 0) {
    out.push(
      `${b.score}: ${b.errors} of ${b.errors + b.scored} outputs got no usable verdict (judge errors; see the results)`,
    );
  }
  if (b.position?.warn) {
    out.push(
      `${b.score}: position bias — ${pct(b.position.share)} of verdicts (${b.position.inconsistent}/${b.position.pairs}) flip when the answers swap places (warn above 20%); those count as ties`,
    );
  }
  if (b.verbosity.warn) {
    out.push(
      `${b.score}: verbosity bias? scores rise with output length (Spearman ρ = ${fmt(b.verbosity.rho)}, p = ${b.verbosity.p! < 0.001 ? '<0.001' : fmt(b.verbosity.p)}); read the long, high-scored answers, or set lengthNormalize: true`,
    );
  }
  if (b.distribution?.notDiscriminative) {
    out.push(
      `${b.score}: not discriminative — ${pct(b.distribution.topTwoShare!)} of scores in the top two levels; make the rubric's upper levels harder to reach`,
    );
  }
  if (b.distribution?.bimodal) {
    out.push(
      `${b.score}: bimodal scores — the middle of the scale is nearly empty; the criteria may be ambiguous`,
    );
  }
  if (b.agreement && b.agreement.alpha !== null && b.agreement.alpha < 0.667) {
    out.push(`${b.score}: the judges disagree (Krippendorff's α = ${fmt(b.agreement.alpha)}, below 0.667)`);
  }
  if (b.selfPreference) {
    const sp = b.selfPreference;
    out.push(
      `${b.score}: self-preference risk — a judge of the same model family grades ${sp.targets.join(', ')} (allowSameFamily); mean score there ${fmt(sp.meanSame)} vs ${fmt(sp.meanOther)} elsewhere`,
    );
  }
  return out;
}
