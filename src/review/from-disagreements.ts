import { AssayError } from '../core/errors.js';
import type { Store } from '../core/store.js';
import { largestGaps } from '../judge/calibration/calibrate.js';
import type { LabelRow as HumanLabel } from '../judge/calibration/labels.js';
import { calibrationPairs, collectJudgeScores } from '../judge/calibration/select.js';
import { runItems } from './from-run.js';
import type { SourcedItem } from './sourced.js';

/** The human side of a calibration: label rows, and the humans' label per output where it is not their mean. */
export interface HumanLabels {
  labels: HumanLabel[];
  /** By `aggregateKey(target, caseId, score)`: a review queue's aggregate (median, consensus). */
  aggregated?: Map<string, number>;
}

export interface DisagreementOptions {
  runId: string;
  /** The project (name) the run must belong to: the queue's. */
  project?: string;
  /** Where the labels come from, kept on each item: `review:answers`, `human.jsonl`. */
  labelsName: string;
  /**
   * The human labels, given the run (its full id) and its judge score names (a queue's labels are
   * matched to them: `humanFromQueue`); a labels file ignores them.
   */
  human: (runId: string, scoreNames: string[]) => Promise<HumanLabels>;
  /** One judge score (`rubric.accuracy`), as `assay calibrate --evaluator`. */
  evaluator?: string;
  /** How many of the largest gaps per judge score (default 50). */
  top?: number;
}

/** One judge score's disagreement on an output: what the reviewer is shown. */
export interface Disagreement {
  evaluator: string;
  judge: number;
  scale?: [number, number];
  reason?: string;
  human: number;
  ratings: number[];
  gap: number;
}

export interface DisagreementItems {
  /** One item per output, largest gap first. */
  items: SourcedItem[];
  /** Outputs whose case is in neither the store nor the run's unchanged dataset file. */
  missing: string[];
  /** The labelled outputs compared, per judge score. */
  compared: Record<string, number>;
}

const outputKey = (target: string, caseId: string) => `${target}\u0000${caseId}`;

/**
 * Review items from the outputs where a run's judge and the humans disagree most: per judge score,
 * the `top` largest gaps as `assay calibrate` measures them (`largestGaps`: |judge − human label|,
 * ties by case then target). Each output is one item (a run's result as `runItems` builds it: input,
 * output, contexts, reference), with every judge score's verdict, reason and the humans' label in
 * `metadata`, shown to the reviewer (never as gold), and `source.kind: "disagreement"` with the run
 * case, so the item is keyed once per queue and exports and calibrates like a run's item.
 *
 * @example await disagreementItems(store, { runId: 'r1', labelsName: 'human.jsonl', human: async () => ({ labels }) })
 */
export async function disagreementItems(
  store: Pick<Store, 'getRun' | 'results' | 'datasetCases'>,
  options: DisagreementOptions,
): Promise<DisagreementItems> {
  const top = options.top ?? 50;
  const built = await runItems(store, {
    runId: options.runId,
    ...(options.project ? { project: options.project } : {}),
  });
  const runId = built.run.id;
  const scores = await collectJudgeScores(store.results(runId));
  if (scores.size === 0)
    throw new AssayError('input.invalid', `run ${runId} has no judge scores to compare with humans`, {
      field: '--run',
    });
  const human = await options.human(runId, [...scores.keys()]);
  const paired = calibrationPairs(scores, human.labels, {
    ...(options.evaluator ? { evaluator: options.evaluator } : {}),
    ...(human.aggregated ? { aggregated: human.aggregated } : {}),
  });
  const found = new Map<string, Disagreement[]>();
  const compared: Record<string, number> = {};
  for (const { evaluator, scores: s, pairs } of paired) {
    compared[evaluator] = pairs.length;
    const ratings = new Map(pairs.map((p) => [outputKey(p.target, p.caseId), p.ratings.map((r) => r.score)]));
    for (const g of largestGaps(pairs, top)) {
      const key = outputKey(g.target, g.caseId);
      const list = found.get(key) ?? [];
      list.push({
        evaluator,
        judge: g.judge,
        ...(s.scale ? { scale: s.scale } : {}),
        ...(g.reasoning ? { reason: g.reasoning } : {}),
        human: g.human,
        ratings: ratings.get(key) ?? [],
        gap: g.gap,
      });
      found.set(key, list);
    }
  }
  const byKey = new Map(built.items.map((it) => [it.key, it]));
  const largest = (ds: Disagreement[]) => Math.max(...ds.map((d) => d.gap));
  const ordered = [...found].sort(
    ([a, da], [b, db]) => largest(db) - largest(da) || (a < b ? -1 : a > b ? 1 : 0),
  );
  const items: SourcedItem[] = [];
  const missing: string[] = [];
  for (const [key, ds] of ordered) {
    const [target, caseId] = key.split('\u0000') as [string, string];
    const made = byKey.get(`run|${runId}|${target}|${caseId}`);
    if (!made) {
      missing.push(caseId);
      continue;
    }
    items.push({
      key: `disagreement|${runId}|${target}|${caseId}`,
      content: {
        ...made.content,
        metadata: {
          judge: Object.fromEntries(
            ds.map((d) => [
              d.evaluator,
              {
                score: d.judge,
                ...(d.scale ? { scale: d.scale } : {}),
                ...(d.reason ? { reason: d.reason } : {}),
              },
            ]),
          ),
          human: Object.fromEntries(
            ds.map((d) => [d.evaluator, { label: d.human, ratings: d.ratings, from: options.labelsName }]),
          ),
          gap: Object.fromEntries(ds.map((d) => [d.evaluator, d.gap])),
        },
        source: {
          ...made.content.source,
          kind: 'disagreement',
          labels: options.labelsName,
          disagreements: ds,
        },
      },
    });
  }
  return { items, missing, compared };
}
