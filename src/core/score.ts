import type { Case } from './case.js';
import type { ModelCaller } from './model-call.js';
import type { Output } from './output.js';

/**
 * The verdict of one evaluator on one output. `value` is in 0..1, or `null` when the evaluator could
 * not compute it — a failed evaluator is not a bad answer, and reports count the two apart.
 */
export interface Score {
  evaluator: string;
  value: number | null;
  pass: boolean | null;
  reason?: string;
  /** Set when the evaluator itself failed (threw, judge unparsable, …). */
  error?: string;
  /** Extra data for reports, e.g. a judge's reasoning or the PII categories that fired. */
  details?: Record<string, unknown>;
}

export interface EvaluatorInput {
  case: Case;
  output: Output;
  /** The target that produced the output. */
  target: string;
  signal?: AbortSignal;
  /**
   * The output another target of the run gives for the same case (and repeat), for pairwise
   * evaluators; undefined when that target failed or is not in the run.
   */
  peer?(targetId: string): Promise<Output | undefined>;
  /**
   * The run's model-call path, for evaluators that call a model (judges, remote embedders): pools,
   * retries, cache and the count of their tokens. Absent outside a run: call the provider directly.
   */
  models?: ModelCaller;
  /** A stored run's output for a case (first repeat), for comparisons with an earlier run. */
  storedOutput?(runId: string, caseId: string, target?: string): Promise<Output | undefined>;
}

/** An evaluator returns one score, or several (one per rubric dimension, say). */
export type EvaluatorResult = Score | Score[];

export interface Evaluator {
  name: string;
  /** The judge prompt templates this evaluator uses (and its children's), for the run's provenance. */
  judgePrompts?: readonly unknown[];
  evaluate(input: EvaluatorInput): EvaluatorResult | Promise<EvaluatorResult>;
}

export function scoreError(evaluator: string, message: string): Score {
  return { evaluator, value: null, pass: null, error: message, reason: message };
}

/** A pass/fail score from a boolean, with a reason. */
export function boolScore(evaluator: string, pass: boolean, reason?: string): Score {
  return { evaluator, value: pass ? 1 : 0, pass, ...(reason === undefined ? {} : { reason }) };
}

/** A graded score that passes at or above `threshold`. */
export function thresholdScore(evaluator: string, value: number, threshold: number, reason?: string): Score {
  return { evaluator, value, pass: value >= threshold, ...(reason === undefined ? {} : { reason }) };
}
