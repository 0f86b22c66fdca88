import { z } from 'zod';
import type { ChatMessage } from '../core/provider.js';
import { type EvaluatorFactory, parseOptions } from '../evaluators/factory.js';
import { askJudgeText, type JudgeAnswer } from './ask-judge.js';
import { compileOption, requestText } from './case-view.js';
import type { Judge } from './judge-spec.js';
import { answerLines, contextText, ragOptions, ragScore } from './rag.js';
import { setupJudge } from './setup.js';

const FINAL = 'final verdict for each statement in order:';

/**
 * `context-faithfulness`: is the answer backed by the context? The judge first rewrites the answer
 * as statements (one a line), then says of each, against the context, `Verdict: Yes` or `No`; the
 * score is the fraction backed, a statement left without a verdict counting as not backed, passing at
 * `threshold` (0.5). The question is `input` (a template), else the case's `query` variable, else its
 * question; the context is `context` (a template), else the `context` variable, else the contexts
 * the target retrieved.
 *
 * Use it for hallucination checks on RAG answers, promptfoo-compatible. `factuality` does the same
 * job with Assay's own hardened prompts and a per-claim report; prefer it in new suites.
 */
export const contextFaithfulness: EvaluatorFactory = async (config, ctx) => {
  const o = parseOptions(
    z.strictObject({ ...ragOptions, input: z.string().optional(), context: z.string().optional() }),
    config,
  );
  const name = o.name ?? 'context-faithfulness';
  const setup = await setupJudge(
    'rag',
    name,
    o,
    { 'faithfulness-statements': undefined, 'faithfulness-nli': undefined },
    ctx,
  );
  const input = compileOption(o.input, 'input');
  const context = compileOption(o.context, 'context');

  return {
    name,
    judgePrompts: setup.records,
    async evaluate({ case: c, output, target, signal, models }) {
      const text = contextText(c, output, context);
      if (text === undefined)
        return ragScore(
          name,
          o.threshold,
          [{ error: 'no context to check against' }],
          setup.details(target, []),
        );
      const answers: JudgeAnswer<string>[] = [];
      const ask = async (judge: Judge, messages: ChatMessage[]) => {
        const a = await askJudgeText({
          judge,
          messages,
          ...(models ? { models } : {}),
          ...(signal ? { signal } : {}),
        });
        answers.push(a);
        return a;
      };
      const graded = await Promise.all(
        setup.judges.map(async (judge) => {
          const listed = await ask(
            judge,
            setup.prompts['faithfulness-statements']!.render({
              question:
                input || typeof c.vars.query !== 'string' ? requestText(c, output, input) : c.vars.query,
              answer: output.text,
            }),
          );
          if (!listed.ok) return { error: listed.error };
          const statements = answerLines(listed.verdict);
          if (statements.length === 0) return { error: 'the grader listed no statements' };
          const nli = await ask(
            judge,
            setup.prompts['faithfulness-nli']!.render({ context: text, statements: statements.join('\n') }),
          );
          if (!nli.ok) return { error: nli.error };
          const backed = countBacked(nli.verdict, statements.length);
          if (backed === undefined) return { error: 'the grader gave no Yes/No verdicts' };
          const score = Math.min(1, Math.max(0, backed / statements.length));
          return {
            score,
            reason: `${backed}/${statements.length} statements of the answer backed by the context`,
            details: { statements: statements.length, backed },
          };
        }),
      );
      return ragScore(name, o.threshold, graded, setup.details(target, answers));
    },
  };
};

/**
 * Statements the grader said Yes to, read as promptfoo reads them: the list after "Final verdict for
 * each statement in order:" when there is one, else each "verdict: yes" / "verdict: no". A statement
 * with no verdict is not backed. Undefined when no verdict can be read.
 */
export function countBacked(answer: string, statements: number): number | undefined {
  let text = answer.toLowerCase().trim();
  const at = text.indexOf(FINAL);
  if (at >= 0) {
    text = text.slice(at + FINAL.length);
    const verdicts = text.split('.').filter((v) => v.trim() !== '');
    if (verdicts.length === 0 || !verdicts.every((v) => /\b(?:yes|no)\b/.test(v))) return undefined;
    const no = verdicts.filter((v) => !v.includes('yes')).length;
    return statements - no - Math.max(0, statements - verdicts.length);
  }
  const no = text.split('verdict: no').length - 1;
  const yes = text.split('verdict: yes').length - 1;
  if (no + yes === 0) return undefined;
  return statements - no - Math.max(0, statements - no - yes);
}
