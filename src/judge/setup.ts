import type { EvaluatorContext } from '../evaluators/factory.js';
import type { JudgeAnswer } from './ask-judge.js';
import { checkSelfPreference, type FamilyConflict, sameFamilyTargets } from './bias/self-preference.js';
import { type Judge, resolveJudges } from './judge-spec.js';
import type { TargetRef } from './services.js';
import {
  type BuiltinPrompt,
  type JudgePrompt,
  type JudgePromptRecord,
  loadJudgePrompt,
} from './templates.js';

export type JudgeKind = 'rubric' | 'factuality' | 'pairwise' | 'rag';

/** What every judge evaluator sets up the same way: judges, the family check, its prompts. */
export interface JudgeSetup {
  judges: Judge[];
  /** The suite's targets, when the evaluator was built for a suite. */
  targets?: TargetRef[];
  /** The prompts' records, for the run's provenance: the evaluator returns them as `judgePrompts`. */
  records: JudgePromptRecord[];
  conflicts: FamilyConflict[];
  sameFamily: Set<string>;
  prompts: Record<string, JudgePrompt>;
  /** Details shared by every score of this evaluator on one result. */
  details(target: string, answers: JudgeAnswer<unknown>[], peer?: string): Record<string, unknown>;
}

/**
 * Resolves an evaluator's judges, refuses a same-family judge unless allowed, loads its prompts and
 * keeps their records for the run's provenance.
 */
export async function setupJudge(
  kind: JudgeKind,
  name: string,
  o: { judge?: unknown; allowSameFamily: boolean },
  prompts: Partial<Record<BuiltinPrompt, string | undefined>>,
  ctx: EvaluatorContext,
): Promise<JudgeSetup> {
  const targets = ctx.judge?.targets;
  const judges = await resolveJudges(o.judge, ctx);
  const conflicts = checkSelfPreference(judges, targets, o.allowSameFamily);
  const loaded: Record<string, JudgePrompt> = {};
  const records: JudgePromptRecord[] = [];
  for (const [template, override] of Object.entries(prompts)) {
    const p = loadJudgePrompt(template as BuiltinPrompt, override, ctx.baseDir);
    loaded[template] = p;
    records.push({ evaluator: name, ...p.record });
  }
  const sameFamily = sameFamilyTargets(conflicts);
  const promptIds = Object.values(loaded)
    .map(
      (p) =>
        `${p.record.template}@${p.record.version}${p.record.version === 'custom' ? `#${p.record.hash}` : ''}`,
    )
    .join(', ');
  return {
    judges,
    ...(targets ? { targets } : {}),
    records,
    conflicts,
    sameFamily,
    prompts: loaded,
    details(target, answers, peer) {
      const flagged = sameFamily.has(target) || (peer !== undefined && sameFamily.has(peer));
      return {
        kind,
        judge: judges.length === 1 ? judges[0]!.id : judges.map((j) => j.id),
        prompt: promptIds,
        judgeCalls: answers.reduce((n, a) => n + a.calls, 0),
        judgeTokens: answers.reduce((n, a) => n + a.tokens, 0),
        ...(answers.length > 0 && answers.every((a) => a.ok && a.cached) ? { judgeCached: true } : {}),
        ...(flagged ? { sameFamily: true } : {}),
      };
    },
  };
}
