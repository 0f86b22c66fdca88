import { canonicalJson } from '../../core/canonical.js';
import type { Case } from '../../core/case.js';
import type { AggregatedReviewItem } from '../../review/export.js';
import { isRunSource, type LabelRow, type Queue, type Score } from '../../review/model.js';

/** A queue's items with their labels aggregated over the recent ratings (`reviewService().aggregated`). */
export interface ReviewedQueue {
  queue: Queue;
  items: AggregatedReviewItem[];
  /** The ratings that went into the aggregates. */
  rows: LabelRow[];
}

export interface ReviewLabelOptions {
  /** The rubric dimension that says whether an output is correct (default: each queue's first). */
  dimension?: string;
  /** Correct at or above this aggregated score on a scale, or one of these labels (defaults: `correctRule`). */
  pass?: number | string[];
}

/** How a queue's labels are read as correct or incorrect. */
export interface CorrectRule {
  queue: string;
  dimension: string;
  /** A scale: correct at or above this; labels: correct when one of these. */
  correct: { atLeast: number } | { labels: string[] };
}

export type HumanVerdict = 'correct' | 'incorrect';

export interface ReviewedItemVerdict {
  item: string;
  runId?: string;
  target?: string;
  output?: unknown;
  /** The aggregated score on the rule's dimension (an admin's consensus when there is one). */
  score: Score;
  ratings: number;
  /** Share of those ratings whose own verdict is the aggregated one. */
  agreement: number;
  consensus?: true;
}

export interface ReviewDisagreement {
  caseId: string;
  queue: string;
  /**
   * `correct-output-fails-expected`: raters judged an output correct that failed against `expected`
   * (expected is likely stale, wrong or too narrow); `wrong-output-passes-expected`: raters judged
   * an output wrong that passed against it; `labels-changed`: the case's `expected` rubric scores
   * (from `assay review export`) give another verdict than the item's recent labels.
   */
  kind: 'correct-output-fails-expected' | 'wrong-output-passes-expected' | 'labels-changed';
  /** The case's `expected` as the file has it. */
  expected: unknown;
  /** What `expected` says: the run's verdict against it, or the verdict of its rubric scores. */
  verdict: { pass: boolean; by: 'expected-evaluators' | 'all-evaluators' | 'expected-scores' };
  /** What the raters said, over the contradicting items. */
  humans: {
    verdict: HumanVerdict;
    dimension: string;
    ratings: number;
    agreement: number;
    /** Fewer than 3 ratings: the decision rests on one or two people. */
    fewRaters: boolean;
  };
  items: ReviewedItemVerdict[];
  /** Other recent items of the case in this queue on which the raters agree with `expected`. */
  agreeing: number;
}

export interface ReviewLabelCheck {
  rules: CorrectRule[];
  /** Queues left out, with why (no such dimension, a pass level that does not fit it). */
  skipped: { queue: string; reason: string }[];
  /** Recent labelled items made from a case of the file (same id, same variables). */
  items: number;
  compared: number;
  /** Items not compared, by reason. */
  notCompared: Record<string, number>;
  disagreements: ReviewDisagreement[];
}

/** Below this many ratings a verdict is marked `fewRaters`. */
export const FEW_RATINGS = 3;

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);
const CORRECT_LABELS = ['correct', 'good', 'yes', 'pass', 'right', 'true', 'accurate', 'acceptable'];

/**
 * How a queue's labels read as correct: the dimension asked for (else the queue's first); on a
 * scale [min, max], correct at or above `pass` (else the top quarter, min + 0.75·(max − min): 4 of
 * 1–5); on labels, correct when one of `pass` (else the labels named correct, good, yes, pass,
 * right, true, accurate or acceptable, else the first label). A string on a list of `pass` that is
 * not a label of the dimension (or a number for labels) is an error for that queue.
 */
export function correctRule(queue: Queue, options: ReviewLabelOptions): CorrectRule | { reason: string } {
  const d = options.dimension
    ? queue.dimensions.find((x) => x.name === options.dimension)
    : queue.dimensions[0];
  if (!d) return { reason: `no dimension "${options.dimension}"` };
  const pass = options.pass;
  if ('scale' in d) {
    if (Array.isArray(pass)) return { reason: `${d.name} is a scale: give a number as the pass level` };
    const [min, max] = d.scale;
    return { queue: queue.name, dimension: d.name, correct: { atLeast: pass ?? min + 0.75 * (max - min) } };
  }
  if (typeof pass === 'number') return { reason: `${d.name} has labels: give the correct labels` };
  const unknown = (pass ?? []).filter((l) => !d.labels.includes(l));
  if (unknown.length) return { reason: `${d.name} has no label ${unknown.join(', ')}` };
  const named = d.labels.filter((l) => CORRECT_LABELS.includes(l.toLowerCase()));
  const labels = pass ?? (named.length ? named : [d.labels[0]!]);
  return { queue: queue.name, dimension: d.name, correct: { labels } };
}

function verdictOf(rule: CorrectRule, v: Score | undefined): HumanVerdict | undefined {
  if (v === undefined) return undefined;
  if ('atLeast' in rule.correct)
    return typeof v === 'number' ? (v >= rule.correct.atLeast ? 'correct' : 'incorrect') : undefined;
  return typeof v === 'string' ? (rule.correct.labels.includes(v) ? 'correct' : 'incorrect') : undefined;
}

/** The raters' verdict on one item, with its support; undefined when the item has no recent label. */
function humansOn(rule: CorrectRule, item: AggregatedReviewItem, rows: readonly LabelRow[]) {
  const score = item.aggregate.scores[rule.dimension];
  const verdict = verdictOf(rule, score);
  if (verdict === undefined || score === undefined) return undefined;
  const mine = rows.filter((r) => r.itemId === item.id && r.scores?.[rule.dimension] !== undefined);
  const agree = mine.filter((r) => verdictOf(rule, r.scores?.[rule.dimension]) === verdict).length;
  return {
    verdict,
    item: {
      item: item.id,
      score,
      ratings: mine.length,
      agreement: mine.length ? round(agree / mine.length) : 1,
      ...(item.consensus?.[rule.dimension] !== undefined ? { consensus: true as const } : {}),
    },
    agree,
  };
}

/**
 * Cases whose `expected` disagrees with recent human review labels. An item counts for a case when
 * it was made from it (`source.caseId`) with the same variables and the same `expected` the file
 * has now (an item reviewed before the case was edited says nothing about the edit). Run items set
 * the raters' verdict on the output against the run's verdict against `expected` (the evaluators
 * that compare with it, else all of them); a case exported from a queue (`expected: { scores }`,
 * `reviewedFrom`) sets its scores' verdict against the item's recent labels. Rules in docs/datasets.md.
 *
 * @example reviewLabelCheck(cases, [{ queue, items, rows }], { pass: 4 }).disagreements
 */
export function reviewLabelCheck(
  cases: readonly Case[],
  queues: readonly ReviewedQueue[],
  options: ReviewLabelOptions = {},
): ReviewLabelCheck {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const out: ReviewLabelCheck = {
    rules: [],
    skipped: [],
    items: 0,
    compared: 0,
    notCompared: {},
    disagreements: [],
  };
  const skip = (why: string) => {
    out.notCompared[why] = (out.notCompared[why] ?? 0) + 1;
  };
  for (const { queue, items, rows } of queues) {
    const rule = correctRule(queue, options);
    if ('reason' in rule) {
      out.skipped.push({ queue: queue.name, reason: rule.reason });
      continue;
    }
    out.rules.push(rule);
    const found = new Map<string, Found>();
    const agreeing = new Map<string, number>();
    for (const item of items) {
      const source = isObj(item.source) ? item.source : {};
      const c = typeof source.caseId === 'string' ? byId.get(source.caseId) : undefined;
      if (!c || item.aggregate.n === 0) continue;
      // Another dataset's case of that id, or this case before its input was edited.
      // A run's output (`review add --run`, or `--disagreements`, which copies the run item's source).
      const fromRun = isRunSource(source);
      const input = fromRun ? source.vars : item.input;
      if (!same(input, fromRun ? c.vars : c.turns ? c.turns.map((t) => t.user) : c.vars)) continue;
      const humans = humansOn(rule, item, rows);
      if (!humans) continue;
      out.items++;
      if (!fromRun) {
        skip(`${source.kind ?? 'other'} item: no verdict against expected`);
        continue;
      }
      if (!same(item.reference, c.expected)) {
        skip('expected changed since the run');
        continue;
      }
      if (c.expected === undefined || c.expected === null || c.expected === '') {
        skip('the case has no expected');
        continue;
      }
      // Items that name the run's evaluators against expected are judged by them alone; older items
      // (before review add kept them) by the run's verdict.
      const byExpected = Array.isArray(source.expectedEvaluators);
      const pass = byExpected ? source.expectedPass : source.pass;
      if (typeof pass !== 'boolean') {
        skip(byExpected ? 'no evaluator compared the output with expected' : 'no run verdict');
        continue;
      }
      out.compared++;
      if ((humans.verdict === 'correct') === pass) {
        agreeing.set(c.id, (agreeing.get(c.id) ?? 0) + 1);
        continue;
      }
      const kind = pass ? 'wrong-output-passes-expected' : 'correct-output-fails-expected';
      add(found, {
        caseId: c.id,
        queue: queue.name,
        kind,
        expected: c.expected,
        verdict: { pass, by: byExpected ? 'expected-evaluators' : 'all-evaluators' },
        humans: { verdict: humans.verdict, dimension: rule.dimension },
        items: [
          {
            ...humans.item,
            ...(typeof source.runId === 'string' ? { runId: source.runId } : {}),
            ...(typeof source.target === 'string' ? { target: source.target } : {}),
            output: item.output,
          },
        ],
      });
    }
    // Cases exported from this queue: their rubric scores against the item's recent labels.
    const itemsById = new Map(items.map((i) => [i.id, i]));
    for (const c of cases) {
      if (c.reviewedFrom?.queue !== queue.name || !isObj(c.expected) || !isObj(c.expected.scores)) continue;
      const item = itemsById.get(c.reviewedFrom.item);
      const humans = item && item.aggregate.n > 0 ? humansOn(rule, item, rows) : undefined;
      const was = verdictOf(rule, c.expected.scores[rule.dimension] as Score | undefined);
      if (!humans || !was) continue;
      out.items++;
      out.compared++;
      if (was === humans.verdict) continue;
      add(found, {
        caseId: c.id,
        queue: queue.name,
        kind: 'labels-changed',
        expected: c.expected,
        verdict: { pass: was === 'correct', by: 'expected-scores' },
        humans: { verdict: humans.verdict, dimension: rule.dimension },
        items: [humans.item],
      });
    }
    for (const d of found.values()) {
      const ratings = d.items.reduce((a, i) => a + i.ratings, 0);
      const agree = d.items.reduce((a, i) => a + i.agreement * i.ratings, 0);
      out.disagreements.push({
        ...d,
        humans: {
          ...d.humans,
          ratings,
          agreement: ratings ? round(agree / ratings) : 1,
          fewRaters: ratings < FEW_RATINGS,
        },
        agreeing: agreeing.get(d.caseId) ?? 0,
      });
    }
  }
  const order = new Map(cases.map((c, i) => [c.id, i]));
  out.disagreements.sort(
    (a, b) => order.get(a.caseId)! - order.get(b.caseId)! || a.queue.localeCompare(b.queue),
  );
  return out;
}

/** One entry per case, queue and kind: a second contradicting item of the same case joins the first. */
/** A disagreement as found, before its items' ratings are summed (`humans` totals, `agreeing`). */
type Found = Omit<ReviewDisagreement, 'humans' | 'agreeing'> & {
  humans: Pick<ReviewDisagreement['humans'], 'verdict' | 'dimension'>;
};

function add(found: Map<string, Found>, d: Found) {
  const key = `${d.caseId}\u0000${d.kind}`;
  const had = found.get(key);
  if (had) had.items.push(...d.items);
  else found.set(key, d);
}

const round = (x: number) => Math.round(x * 1000) / 1000;
