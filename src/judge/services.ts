import type { Output } from '../core/output.js';
import type { EvaluatorContext } from '../evaluators/factory.js';
import type { JudgePromptRecord } from './templates.js';

/** A judge answer as cached: what the parser needs, nothing of the raw response. */
export interface CachedJudgeAnswer {
  text: string;
  toolCalls?: { id?: string; name: string; arguments: unknown }[];
}

/** Where judge answers are cached. The CLI backs it with the store's response cache. */
export interface JudgeCache {
  get(key: string): Promise<CachedJudgeAnswer | undefined>;
  set(key: string, value: CachedJudgeAnswer): Promise<void>;
}

/** A target of the suite, for the self-preference check. */
export interface TargetRef {
  id: string;
  /** `family:model` for model targets; undefined for functions and HTTP apps. */
  provider?: string;
}

/** A baseline run's output for a case, for `pairwise` with `against: { run }`. */
export type BaselineOutputs = (runId: string, caseId: string, target?: string) => Promise<Output | undefined>;

/**
 * What judge evaluators read from `ctx.services`. The suite builder puts `targets` and
 * `judgePrompts` there; whoever runs the suite with a store adds `judgeCache` and `baselineOutputs`.
 * The evaluators read the latter at call time, so they may be added after the suite is built.
 */
export interface JudgeServices {
  targets?: TargetRef[];
  judgeCache?: JudgeCache;
  baselineOutputs?: BaselineOutputs;
  /** The suite's top-level `judge`, used by judge evaluators that name none. */
  defaultJudge?: unknown;
  /** Filled by judge evaluator factories; goes into the run's provenance. */
  judgePrompts?: JudgePromptRecord[];
}

/** The judge's view of the services (an empty object when there are none, so late additions are seen). */
export function judgeServices(ctx: EvaluatorContext): JudgeServices {
  if (!ctx.services) ctx.services = {};
  return ctx.services as JudgeServices;
}
