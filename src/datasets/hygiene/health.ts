import type { Case } from '../../core/case.js';
import { percentile } from '../../stats/descriptive.js';
import { getPath } from '../../util/json-path.js';
import { type DuplicateReport, findDuplicates } from './near-duplicates.js';
import {
  type ReviewDisagreement,
  type ReviewedQueue,
  type ReviewLabelCheck,
  type ReviewLabelOptions,
  reviewLabelCheck,
} from './review-labels.js';
import { strataCounts } from './strata.js';
import { caseInput, words } from './words.js';

export interface HealthOptions {
  /** Target shares per tag: `{ type: { simple: 0.4, 'multi-step': 0.3 } }`. */
  strata?: Record<string, Record<string, number>>;
  /** Share points a stratum may stray from its target (default 0.05). */
  strataTolerance?: number;
  /** The suite's evaluators compare with `expected`: cases without one are problems. */
  needsExpected?: boolean;
  /** Jaccard of near duplicates (default 0.7). */
  nearThreshold?: number;
  /**
   * Robust z-score (median, MAD) of input length beyond which a case is an outlier (default 3.5);
   * it must also be half the median length or more away from it.
   */
  lengthZ?: number;
  /** Cases whose `created` field is older than this many ms are stale (default 365 days). */
  horizonMs?: number;
  /** When each case id was first stored (`firstSeen`): the age of a case without `created`. */
  firstSeen?: ReadonlyMap<string, string>;
  now?: number;
  /**
   * The queues' recent labels (`recentlyReviewed`) and how to read them: cases whose `expected`
   * they contradict are problems beyond `maxDisagreements` (default 0). Without it, not checked.
   */
  review?: ReviewLabelOptions & {
    queues: readonly ReviewedQueue[];
    /** Start of the window the labels come from (ISO), for the report. */
    since: string;
    maxDisagreements?: number;
  };
  /** Why the review labels were not checked (no store), for the report. */
  reviewUnchecked?: string;
}

export interface HealthReport {
  cases: number;
  strata: { tag: string; value: string; count: number; share: number; target?: number }[];
  duplicates: DuplicateReport;
  missingExpected: string[];
  lengthOutliers: { caseId: string; words: number; z: number }[];
  /** `since`: the case's `created` field, or the first stored version that held it. */
  stale: { caseId: string; created: string; since: 'created' | 'first-version' }[];
  reviewLabels:
    | { checked: false; reason: string }
    | ({ checked: true; since: string; maxDisagreements: number } & Omit<ReviewLabelCheck, 'disagreements'>);
  /** Cases whose `expected` disagrees with recent human review labels (docs/datasets.md). */
  reviewDisagreements: ReviewDisagreement[];
  /** One line per problem above its threshold; non-empty means exit 1. */
  problems: string[];
}

const DAY = 86_400_000;

/**
 * The health of a golden dataset: strata against targets, duplicates, missing expected answers,
 * length outliers, stale cases, and (given `review`) expected answers that recent human review
 * labels contradict. Thresholds in docs/datasets.md.
 *
 * @example healthOf(dataset.cases, { strata: { type: { simple: 0.4 } }, needsExpected: true }).problems
 */
export function healthOf(cases: readonly Case[], options: HealthOptions = {}): HealthReport {
  const tolerance = options.strataTolerance ?? 0.05;
  const problems: string[] = [];
  const strata: HealthReport['strata'] = [];
  const tags = new Set([...Object.keys(options.strata ?? {})]);
  for (const tag of tags) {
    const counts = strataCounts(cases, tag);
    const targets = options.strata?.[tag] ?? {};
    for (const value of new Set([...Object.keys(targets), ...counts.keys()])) {
      const count = counts.get(value) ?? 0;
      const share = cases.length ? count / cases.length : 0;
      const target = targets[value];
      strata.push({ tag, value, count, share: round(share), ...(target === undefined ? {} : { target }) });
      if (target !== undefined && Math.abs(share - target) > tolerance)
        problems.push(`stratum ${tag}=${value}: ${pct(share)} of cases, target ${pct(target)}`);
    }
  }
  const duplicates = findDuplicates(cases, options.nearThreshold ?? 0.7);
  for (const g of duplicates.exact) problems.push(`exact duplicates: ${g.join(', ')}`);
  for (const p of duplicates.near) problems.push(`near duplicates: ${p.a} and ${p.b} (Jaccard ${p.jaccard})`);
  const missingExpected = options.needsExpected
    ? cases
        .filter((c) => c.expected === undefined || c.expected === null || c.expected === '')
        .map((c) => c.id)
    : [];
  if (missingExpected.length)
    problems.push(`${missingExpected.length} case(s) without expected: ${missingExpected.join(', ')}`);
  const lengthOutliers = outliers(cases, options.lengthZ ?? 3.5);
  if (lengthOutliers.length)
    problems.push(
      `length outliers: ${lengthOutliers.map((o) => `${o.caseId} (${o.words} words)`).join(', ')}`,
    );
  const now = options.now ?? Date.now();
  const horizon = options.horizonMs ?? 365 * DAY;
  const stale = cases.flatMap((c) => {
    const field = getPath(c.vars, 'created');
    const [created, since] =
      typeof field === 'string'
        ? [field, 'created' as const]
        : [options.firstSeen?.get(c.id), 'first-version' as const];
    const ms = created === undefined ? Number.NaN : Date.parse(created);
    return Number.isFinite(ms) && now - ms > horizon ? [{ caseId: c.id, created: created!, since }] : [];
  });
  if (stale.length)
    problems.push(`${stale.length} case(s) created more than ${Math.round(horizon / DAY)} days ago`);
  const review = options.review ? reviewLabelCheck(cases, options.review.queues, options.review) : undefined;
  const maxDisagreements = options.review?.maxDisagreements ?? 0;
  if (review && review.disagreements.length > maxDisagreements)
    for (const d of review.disagreements) problems.push(disagreementLine(d));
  const { disagreements = [], ...checked } = review ?? {};
  return {
    cases: cases.length,
    strata,
    duplicates,
    missingExpected,
    lengthOutliers,
    stale,
    reviewLabels: review
      ? {
          checked: true,
          since: options.review!.since,
          maxDisagreements,
          ...(checked as Omit<ReviewLabelCheck, 'disagreements'>),
        }
      : { checked: false, reason: options.reviewUnchecked ?? 'no review labels given' },
    reviewDisagreements: disagreements,
    problems,
  };
}

const SAYS: Record<ReviewDisagreement['kind'], string> = {
  'correct-output-fails-expected': 'raters judged correct an output that fails against expected',
  'wrong-output-passes-expected': 'raters judged incorrect an output that passes against expected',
  'labels-changed': "its rubric scores' verdict is not the item's recent labels'",
};

/** `expected of c7 disagrees with review queue answers: raters judged … (accuracy 4.5; 2 ratings, 100% agree, few raters)`. */
export function disagreementLine(d: ReviewDisagreement): string {
  const h = d.humans;
  const scores = d.items.map((i) => (typeof i.score === 'number' ? round(i.score) : i.score)).join(', ');
  const support = `${h.ratings} rating${h.ratings === 1 ? '' : 's'}, ${pct(h.agreement)} agree${h.fewRaters ? ', few raters' : ''}`;
  const outputs = d.items.flatMap((i) => (i.output === undefined ? [] : [quote(i.output)]));
  const what = outputs.length ? `${outputs.join(', ')} against ${quote(d.expected)}; ` : '';
  return `expected of ${d.caseId} disagrees with review queue ${d.queue}: ${SAYS[d.kind]} (${what}${h.dimension} ${scores} → ${h.verdict}; ${support})`;
}

function quote(v: unknown): string {
  const text = typeof v === 'string' ? v : (JSON.stringify(v) ?? 'nothing');
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function outliers(cases: readonly Case[], limit: number): HealthReport['lengthOutliers'] {
  if (cases.length === 0) return [];
  const lengths = cases.map((c) => words(caseInput(c)).length);
  const med = median(lengths);
  const deviations = lengths.map((l) => Math.abs(l - med));
  // Iglewicz and Hoaglin's modified z: (x − median) / (1.4826·MAD); when most lengths are equal
  // (MAD 0), the mean absolute deviation stands in (1.2533·MeanAD, as in IBM's SPSS).
  const mad = median(deviations);
  const meanAd = deviations.reduce((a, b) => a + b, 0) / Math.max(1, deviations.length);
  const scale = mad > 0 ? 1.4826 * mad : 1.2533 * meanAd;
  if (scale === 0) return [];
  return cases.flatMap((c, i) => {
    const z = (lengths[i]! - med) / scale;
    // A few words either way is never an outlier, however uniform the rest.
    const far = Math.abs(lengths[i]! - med) > 0.5 * med;
    return far && Math.abs(z) > limit ? [{ caseId: c.id, words: lengths[i]!, z: round(z) }] : [];
  });
}

const median = (xs: number[]) => percentile(xs, 50);

const round = (x: number) => Math.round(x * 1000) / 1000;
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
