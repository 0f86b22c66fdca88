import { z } from 'zod';
import { templateScope } from '../core/case.js';
import { type EvaluatorFactory, parseOptions } from '../evaluators/factory.js';
import { askJudgeText } from './ask-judge.js';
import { compileOption } from './case-view.js';
import { answerLines, contextText, promptSent, ragOptions, ragScore } from './rag.js';
import { setupJudge } from './setup.js';

const ATTRIBUTED = '[attributed]';
const NOT_ATTRIBUTED = '[not attributed]';

/**
 * `context-recall`: does the context hold what a right answer needs? The judge goes through the
 * ground truth (`value`, e.g. `"{{ expected }}"`) sentence by sentence and marks each
 * `[Attributed]` to the context or `[Not Attributed]`; the score is the attributed fraction, passing
 * at `threshold` (0.5). The context is `context` (a template), else the case's `context`
 * variable, else the contexts the target retrieved, else the prompt it was sent — promptfoo's order. A grader answer with no marks is an
 * error, not a 0.
 *
 * Use it to test retrieval: whether the documents fetched cover the facts of a reference answer.
 * Not for grading the answer itself (that is `context-faithfulness` or `factuality`).
 */
export const contextRecall: EvaluatorFactory = async (config, ctx) => {
  const o = parseOptions(
    z.strictObject({ ...ragOptions, value: z.string().min(1), context: z.string().optional() }),
    config,
  );
  const name = o.name ?? 'context-recall';
  const setup = await setupJudge('rag', name, o, { 'context-recall': undefined }, ctx);
  const prompt = setup.prompts['context-recall']!;
  const value = compileOption(o.value, 'value')!;
  const context = compileOption(o.context, 'context');

  return {
    name,
    judgePrompts: setup.records,
    async evaluate({ case: c, output, target, signal, models }) {
      const text = contextText(c, output, context) ?? promptSent(output);
      const base = () => setup.details(target, []);
      if (text === undefined)
        return ragScore(name, o.threshold, [{ error: 'no context to check against' }], base());
      const messages = prompt.render({ context: text, groundTruth: value(templateScope(c)) });
      const answers = await Promise.all(
        setup.judges.map((judge) =>
          askJudgeText({ judge, messages, ...(models ? { models } : {}), ...(signal ? { signal } : {}) }),
        ),
      );
      const graded = answers.map((a) => {
        if (!a.ok) return { error: a.error };
        const marked = answerLines(a.verdict).filter((l) => {
          const lower = l.toLowerCase();
          return lower.includes(ATTRIBUTED) || lower.includes(NOT_ATTRIBUTED);
        });
        if (marked.length === 0)
          return { error: 'the grader marked no sentence [Attributed] or [Not Attributed]' };
        const attributed = marked.filter((l) => !l.toLowerCase().includes(NOT_ATTRIBUTED)).length;
        return {
          score: attributed / marked.length,
          reason: `${attributed}/${marked.length} sentences of the ground truth attributed to the context`,
          details: { sentences: marked.length, attributed },
        };
      });
      return ragScore(name, o.threshold, graded, setup.details(target, answers));
    },
  };
};
