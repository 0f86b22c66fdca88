import type { Case } from '../core/case.js';
import { templateScope } from '../core/case.js';
import type { ModelCaller } from '../core/model-call.js';
import type { Output, TurnRecord } from '../core/output.js';
import type { ChatMessage } from '../core/provider.js';
import type { Evaluator, EvaluatorInput, Score } from '../core/score.js';
import type { UserSimulator } from '../core/simulator.js';
import type { Target } from '../core/target.js';
import { scoreOutput } from '../evaluators/apply.js';
import { compileTemplate } from '../templates/render.js';
import { type CallPolicy, callTarget, type Pools } from './call-target.js';

export interface ConversationDeps {
  policy: CallPolicy;
  pools: Pools;
  signal: AbortSignal;
  /** The run's model-call path: the simulator's calls and the turn evaluators' go through it. */
  models: ModelCaller;
  storedOutput?: EvaluatorInput['storedOutput'];
  /** Evaluators of a scripted turn, by `<caseId>#<turn index>`. */
  turnEvaluators?: Map<string, Evaluator[]>;
  simulator?: UserSimulator;
}

/**
 * Runs one multi-turn case. Every turn sends the whole history, so the target's context handling is
 * really tested; each turn's evaluators score that turn's reply. The last reply is the output the
 * suite's evaluators see, and `output.turns` holds the transcript.
 */
export async function runConversation(
  target: Target,
  c: Case,
  repeat: number,
  deps: ConversationDeps,
): Promise<Output> {
  const messages: ChatMessage[] = [];
  const turns: TurnRecord[] = [];
  let last: Output | undefined;
  let stopReason: string | undefined;
  const usage = { inputTokens: 0, outputTokens: 0 };
  let costUsd: number | undefined;
  let cached = true;
  const scripted = c.turns ?? [];
  const limit = deps.simulator ? Math.max(scripted.length, deps.simulator.maxTurns) : scripted.length;
  for (let i = 0; i < limit; i++) {
    let user: string;
    let by: TurnRecord['by'] = 'dataset';
    if (i < scripted.length) {
      user = compileTemplate(scripted[i]!.user, `turns[${i}].user`)(templateScope(c));
    } else {
      const next = await deps.simulator!.next(c, messages, deps.signal, deps.models);
      if ('stop' in next) {
        stopReason = next.stop;
        break;
      }
      user = next.message;
      by = 'simulator';
    }
    messages.push({ role: 'user', content: user });
    // A failed turn ends the conversation as a failed call: the run records it as an error.
    last = await callTarget(target, c, repeat, deps.policy, deps.pools, deps.signal, {
      messages: [...messages],
    });
    messages.push({ role: 'assistant', content: last.text });
    usage.inputTokens += last.usage?.inputTokens ?? 0;
    usage.outputTokens += last.usage?.outputTokens ?? 0;
    if (last.costUsd !== undefined) costUsd = (costUsd ?? 0) + last.costUsd;
    cached &&= last.cached === true;
    const turn: TurnRecord = { user, assistant: last.text, latencyMs: last.latencyMs, by };
    const evaluators = deps.turnEvaluators?.get(`${c.id}#${i}`);
    if (evaluators?.length) {
      turn.scores = (
        await scoreOutput(evaluators, {
          case: c,
          output: last,
          target: target.id,
          signal: deps.signal,
          models: deps.models,
          ...(deps.storedOutput ? { storedOutput: deps.storedOutput } : {}),
        })
      ).map((s): Score => ({ ...s, evaluator: `turn${i + 1}.${s.evaluator}` }));
    }
    turns.push(turn);
  }
  if (deps.simulator && !stopReason) stopReason = 'turn-limit';
  const latencyMs = turns.reduce((sum, t) => sum + t.latencyMs, 0);
  return {
    text: last?.text ?? '',
    latencyMs,
    turns,
    prompt: messages,
    ...(usage.inputTokens + usage.outputTokens > 0 ? { usage } : {}),
    ...(costUsd === undefined ? {} : { costUsd }),
    ...(cached && turns.length > 0 ? { cached } : {}),
    ...(last?.contexts ? { contexts: last.contexts } : {}),
    ...(last?.toolCalls ? { toolCalls: last.toolCalls } : {}),
    metadata: { ...(last?.metadata ?? {}), turnCount: turns.length, ...(stopReason ? { stopReason } : {}) },
  };
}
