import type { Case } from '../../core/case.js';
import type { ResultRecord } from '../../core/run.js';
import { getOrCreate } from '../../util/maps.js';
import { type AttributionResult, attribute } from './attribution.js';
import { caseText } from './case-text.js';
import { type ClusterOptions, clusterTexts } from './clusters.js';

/** How a result is shown: `target/case`, with `#repeat` after the first repeat. */
export function resultId(r: Pick<ResultRecord, 'target' | 'caseId' | 'repeat'>): string {
  return `${r.target}/${r.caseId}${r.repeat ? `#${r.repeat}` : ''}`;
}

export type FailureKind = 'failed' | 'target-error' | 'evaluator-error';

/** One result that did not pass. */
export interface FailureRecord {
  id: string;
  caseId: string;
  target: string;
  repeat: number;
  tags: Record<string, string>;
  kind: FailureKind;
  /** What the case asked: the text clusters are made of. */
  text: string;
  /** The scores that failed, with their reasons. */
  failed: { evaluator: string; reason: string }[];
  /** Mean of the scores that could be computed; null when none could. */
  score: number | null;
  error?: string;
  attribution?: AttributionResult;
}

export interface Counted {
  message: string;
  count: number;
}

export interface FailureCluster {
  terms: string[];
  size: number;
  /** Distinct cases among the members (a case may fail on several targets or repeats). */
  cases: number;
  members: string[];
  examples: string[];
}

export interface FailureAnalysis {
  results: number;
  failed: number;
  errors: { target: number; evaluator: number; messages: Counted[] };
  byTag: { key: string; value: string; total: number; failed: number; errors: number; failRate: number }[];
  byEvaluator: { evaluator: string; scored: number; failed: number; errors: number; reasons: Counted[] }[];
  clusters: {
    method: 'tfidf' | 'embeddings';
    silhouette: number | null;
    groups: FailureCluster[];
    unclustered: string[];
  };
  /** The retrieval/generation split of failed RAG answers; absent when no failure could be attributed. */
  attribution?: { attributed: number; retrieval: number; generation: number; notAttributable: number };
  /** Every result that did not pass, worst first. */
  failures: FailureRecord[];
}

/** Reasons differ by their numbers ("took 612 ms"); grouping ignores them. */
const shape = (reason: string) => reason.replace(/\d+(\.\d+)?/g, '#').slice(0, 200);

class Tally {
  private readonly counts = new Map<string, Counted>();
  add(message: string): void {
    getOrCreate(this.counts, shape(message), () => ({ message, count: 0 })).count++;
  }
  top(n: number): Counted[] {
    return [...this.counts.values()].sort((a, b) => b.count - a.count).slice(0, n);
  }
}

const severity = (f: FailureRecord) => (f.kind === 'failed' ? 0 : 1);

/**
 * Collects what failure analysis needs while results stream past, in memory proportional to the
 * failures only; `analyze` then groups them by tag, evaluator and content cluster.
 */
export class FailureCollector {
  private results = 0;
  private readonly failures: FailureRecord[] = [];
  private readonly tags = new Map<
    string,
    { key: string; value: string; total: number; failed: number; errors: number }
  >();
  private readonly evaluators = new Map<
    string,
    { scored: number; failed: number; errors: number; reasons: Tally }
  >();
  private readonly errorMessages = new Tally();

  /** Adds one result (with its case, when known); returns its failure record when it did not pass. */
  add(r: ResultRecord, c?: Case): FailureRecord | undefined {
    this.results++;
    const kind: FailureKind | undefined =
      r.error !== undefined ? (r.output ? 'evaluator-error' : 'target-error') : r.pass ? undefined : 'failed';
    for (const [key, value] of Object.entries(r.tags)) {
      const t = getOrCreate(this.tags, `${key}\u0000${value}`, () => ({
        key,
        value,
        total: 0,
        failed: 0,
        errors: 0,
      }));
      t.total++;
      if (kind === 'failed') t.failed++;
      else if (kind) t.errors++;
    }
    const failed: FailureRecord['failed'] = [];
    let sum = 0;
    let scored = 0;
    for (const s of r.scores) {
      const e = getOrCreate(this.evaluators, s.evaluator, () => ({
        scored: 0,
        failed: 0,
        errors: 0,
        reasons: new Tally(),
      }));
      e.scored++;
      if (s.error !== undefined) e.errors++;
      else if (s.pass === false) {
        e.failed++;
        e.reasons.add(s.reason ?? '(no reason given)');
        failed.push({ evaluator: s.evaluator, reason: s.reason ?? '' });
      }
      if (s.value !== null) {
        sum += s.value;
        scored++;
      }
    }
    if (!kind) return undefined;
    if (r.error !== undefined) this.errorMessages.add(r.error);
    const record: FailureRecord = {
      id: resultId(r),
      caseId: r.caseId,
      target: r.target,
      repeat: r.repeat,
      tags: r.tags,
      kind,
      text: caseText(c, r.output),
      failed,
      score: scored ? sum / scored : null,
    };
    if (r.error !== undefined) record.error = r.error;
    const attribution = kind === 'failed' ? attribute(c?.sources, r.output?.contexts) : undefined;
    if (attribution) record.attribution = attribution;
    this.failures.push(record);
    return record;
  }

  /** Groups the failures; clusters the judged-wrong answers on embeddings when given, else TF-IDF. */
  async analyze(options: ClusterOptions = {}): Promise<FailureAnalysis> {
    const wrong = this.failures.filter((f) => f.kind === 'failed');
    const clustering = await clusterTexts(
      wrong.map((f) => f.text),
      options,
    );
    const ids = (members: number[]) => members.map((i) => wrong[i]!.id);
    const groups = clustering.clusters.map((c) => ({
      terms: c.terms,
      size: c.members.length,
      cases: new Set(c.members.map((i) => wrong[i]!.caseId)).size,
      members: ids(c.members),
      examples: [...new Set(c.members.map((i) => wrong[i]!.text))].slice(0, 3),
    }));
    const attributed = wrong.filter((f) => f.attribution);
    const retrieval = attributed.filter((f) => f.attribution!.attribution === 'retrieval').length;
    const failures = [...this.failures].sort(
      (a, b) =>
        severity(a) - severity(b) ||
        b.failed.length - a.failed.length ||
        (a.score ?? 1) - (b.score ?? 1) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    const analysis: FailureAnalysis = {
      results: this.results,
      failed: wrong.length,
      errors: {
        target: this.failures.filter((f) => f.kind === 'target-error').length,
        evaluator: this.failures.filter((f) => f.kind === 'evaluator-error').length,
        messages: this.errorMessages.top(5),
      },
      byTag: [...this.tags.values()]
        .map((t) => ({ ...t, failRate: t.total ? t.failed / t.total : 0 }))
        .sort((a, b) => b.failed - a.failed || b.failRate - a.failRate || a.key.localeCompare(b.key)),
      byEvaluator: [...this.evaluators]
        .map(([evaluator, e]) => ({
          evaluator,
          scored: e.scored,
          failed: e.failed,
          errors: e.errors,
          reasons: e.reasons.top(3),
        }))
        .sort((a, b) => b.failed - a.failed || a.evaluator.localeCompare(b.evaluator)),
      clusters: {
        method: clustering.method,
        silhouette: clustering.silhouette,
        groups,
        unclustered: ids(clustering.unclustered),
      },
      failures,
    };
    if (attributed.length)
      analysis.attribution = {
        attributed: attributed.length,
        retrieval,
        generation: attributed.length - retrieval,
        notAttributable: wrong.length - attributed.length,
      };
    return analysis;
  }
}
