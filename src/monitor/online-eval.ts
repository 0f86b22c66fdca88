import type { Case } from '../core/case.js';
import type { ModelCaller } from '../core/model-call.js';
import type { Output } from '../core/output.js';
import type { Evaluator, Score } from '../core/score.js';
import { scoreOutput } from '../evaluators/apply.js';
import type { EvaluatorContext } from '../evaluators/factory.js';
import { createEvaluators } from '../evaluators/registry.js';
import { budgetedCaller, type JudgeBudget } from './budget.js';
import type { MonitoredTrace } from './traffic.js';

/** Evaluator types that call a judge model: they count against the judge budget. */
export const JUDGE_TYPES: ReadonlySet<string> = new Set(['rubric', 'factuality', 'pairwise']);

export interface OnlineEvaluator {
  evaluator: Evaluator;
  judge: boolean;
}

/**
 * The `monitor.evaluators` built by the same registry and factories as an offline suite's
 * `evaluators` (one code path: a config that works offline works online), each marked judge or not.
 */
export async function createOnlineEvaluators(
  configs: Record<string, unknown>[],
  ctx: EvaluatorContext,
  at: { file?: string } = {},
): Promise<OnlineEvaluator[]> {
  const evaluators = await createEvaluators(configs, ctx, { ...at, path: ['monitor', 'evaluators'] });
  return evaluators.map((evaluator, i) => ({ evaluator, judge: JUDGE_TYPES.has(String(configs[i]!.type)) }));
}

/** A production trace seen as a case and its output, so offline evaluators apply unchanged. */
export function traceAsCase(t: MonitoredTrace): { case: Case; output: Output } {
  return {
    case: {
      id: t.id,
      vars: { input: t.input, question: t.input },
      tags: t.tags ?? {},
      ...(t.contexts?.length ? { sources: t.contexts } : {}),
      origin: 'production',
    },
    output: {
      text: t.output,
      latencyMs: t.latencyMs ?? 0,
      ...(t.costUsd === undefined ? {} : { costUsd: t.costUsd }),
      ...(t.usage ? { usage: t.usage } : {}),
      ...(t.contexts?.length ? { contexts: t.contexts.map((text) => ({ text })) } : {}),
    },
  };
}

export interface OnlineScoring {
  /** Scores per trace (judge scores only for traces not deferred). */
  scored: { traceId: string; scores: Score[] }[];
  /** Traces whose judge evaluators wait for budget: to be scored by a later pass, not dropped. */
  deferred: string[];
  /** Judge calls made in this pass. */
  judgeCalls: number;
  /** Scores that could not be computed (evaluator errors), counted apart from bad answers. */
  errors: number;
}

export interface OnlineScoringOptions {
  budget: JudgeBudget;
  /** The model-call path for judges (the runner's `standaloneModelCaller().models` outside a run). */
  models: ModelCaller;
  now?: () => number;
}

/**
 * Scores sampled traces with the online evaluators. Deterministic evaluators always run; judge
 * evaluators run while the budget has room for all of a trace's judges, and a trace without room
 * (or whose judge call the budget refused mid-way) is returned in `deferred` with no judge score.
 */
export async function scoreSampled(
  traces: readonly MonitoredTrace[],
  evaluators: readonly OnlineEvaluator[],
  opts: OnlineScoringOptions,
): Promise<OnlineScoring> {
  const now = opts.now ?? Date.now;
  const plain = evaluators.filter((e) => !e.judge).map((e) => e.evaluator);
  const judges = evaluators.filter((e) => e.judge).map((e) => e.evaluator);
  const models = budgetedCaller(opts.models, opts.budget, now);
  const out: OnlineScoring = { scored: [], deferred: [], judgeCalls: 0, errors: 0 };
  for (const trace of traces) {
    const { case: c, output } = traceAsCase(trace);
    const input = { case: c, output, target: trace.model ?? 'production', models };
    const scores = await scoreOutput(plain, input);
    if (judges.length > 0) {
      if (!opts.budget.hasRoom(now(), judges.length)) {
        out.deferred.push(trace.id);
      } else {
        models.resetRefused();
        const judged = await scoreOutput(judges, input);
        if (models.refused()) out.deferred.push(trace.id);
        else scores.push(...judged);
      }
    }
    out.errors += scores.filter((s) => s.error !== undefined).length;
    out.scored.push({ traceId: trace.id, scores });
  }
  out.judgeCalls = models.calls();
  return out;
}
