import { z } from 'zod';
import { templateScope } from '../core/case.js';
import type { ModelCaller } from '../core/model-call.js';
import type { ChatMessage } from '../core/provider.js';
import { type Score, scoreError } from '../core/score.js';
import { type EvaluatorFactory, parseOptions } from '../evaluators/factory.js';
import { askJudgeText } from './ask-judge.js';
import { compileOption } from './case-view.js';
import {
  type Grade,
  promptfooText,
  promptText,
  readClosedQa,
  readFactuality,
  readRubricGrade,
} from './grade-readers.js';
import { type JudgeSetup, setupJudge } from './setup.js';

/*
 * promptfoo's model-graded assertions — `llm-rubric`, `model-graded-closedqa` and
 * `model-graded-factuality` (promptfoo's `factuality`) — graded as promptfoo 0.123.1 grades them:
 * its prompts word for word (src/judge/prompts/llm-rubric.v1.njk, closedqa.v1.njk,
 * factuality-categories.v1.njk), its reading of the answers (grade-readers.ts), through Assay's judge
 * call path. For suites brought from promptfoo; Assay's own `rubric` and `factuality` are the
 * hardened ones (delimited blocks, calibration, per-claim reports): prefer them in new suites.
 */

const common = {
  type: z.string(),
  name: z.string().optional(),
  judge: z.unknown().optional(),
  allowSameFamily: z.boolean().default(false),
};

/**
 * `llm-rubric`: the judge says whether the output meets the rubric (`value`, a template) as
 * `{ reason, pass, score }`; with `threshold`, it passes only when the judge said pass and the score
 * reaches the threshold. Use it to run a promptfoo suite's rubrics unchanged; Assay's `rubric` has
 * scales, dimensions and calibration.
 */
export const llmRubric: EvaluatorFactory = async (config, ctx) => {
  const o = parseOptions(
    z.strictObject({ ...common, value: z.string().min(1), threshold: z.number().optional() }),
    config,
  );
  const name = o.name ?? 'llm-rubric';
  const setup = await setupJudge('rubric', name, o, { 'llm-rubric': undefined }, ctx);
  const rubric = compileOption(o.value, 'value')!;
  return {
    name,
    judgePrompts: setup.records,
    async evaluate({ case: c, output, target, signal, models }) {
      const messages = setup.prompts['llm-rubric']!.render({
        output: promptfooText(output.text),
        rubric: rubric(templateScope(c)),
      });
      const read = (answer: string) => readRubricGrade(answer, o.threshold);
      return gradeByJudges(name, setup, target, messages, read, { models, signal });
    },
  };
};

/** A grader that asks about the prompt the target was sent (or `input`) against one more template. */
interface QuestionGrader {
  /** The evaluator's type and default name. */
  name: string;
  /** The judge prompt's kind (what `judge.prompts` may override) and its template's name. */
  kind: 'rubric' | 'factuality';
  prompt: 'closedqa' | 'factuality-categories';
  /** The `value` option: its template and the prompt variable it fills. */
  value: { variable: 'criteria' | 'ideal'; default?: string };
  read: (answer: string) => Grade;
}

const questionGrader =
  (g: QuestionGrader): EvaluatorFactory =>
  async (config, ctx) => {
    const value = g.value.default ? z.string().min(1).default(g.value.default) : z.string().min(1);
    const o = parseOptions(z.strictObject({ ...common, value, input: z.string().optional() }), config);
    const name = o.name ?? g.name;
    const setup = await setupJudge(g.kind, name, o, { [g.prompt]: undefined }, ctx);
    const against = compileOption(o.value, 'value')!;
    const input = compileOption(o.input, 'input');
    return {
      name,
      judgePrompts: setup.records,
      async evaluate({ case: c, output, target, signal, models }) {
        const question = input ? input(templateScope(c)) : promptText(output);
        if (question === undefined) return noPrompt(name, setup, target);
        const messages = setup.prompts[g.prompt]!.render({
          input: question,
          [g.value.variable]: against(templateScope(c)),
          completion: promptfooText(output.text),
        });
        return gradeByJudges(name, setup, target, messages, g.read, { models, signal });
      },
    };
  };

/**
 * `model-graded-closedqa`: the judge reasons about whether the output meets the criterion (`value`,
 * a template) for the prompt the target was sent (or `input`), and ends with Y or N. Pass/fail only.
 */
export const closedQa = questionGrader({
  name: 'model-graded-closedqa',
  kind: 'rubric',
  prompt: 'closedqa',
  value: { variable: 'criteria' },
  read: readClosedQa,
});

/**
 * `model-graded-factuality`: the judge puts the output in one of five categories against the
 * reference (`value`, default `{{ expected }}`): a subset, a superset, the same details, a
 * disagreement, or a difference that does not matter. Only a disagreement fails.
 */
export const modelGradedFactuality = questionGrader({
  name: 'model-graded-factuality',
  kind: 'factuality',
  prompt: 'factuality-categories',
  value: { variable: 'ideal', default: '{{ expected }}' },
  read: readFactuality,
});

function noPrompt(name: string, setup: JudgeSetup, target: string): Score {
  const s = scoreError(name, 'no prompt to show the grader: the target recorded none; set `input`');
  return { ...s, details: setup.details(target, []) };
}

/**
 * Asks each judge once and reads its answer. One score: it passes when every judge's grade passes;
 * its value is the mean of their scores, kept within 0..1 (the judge's own figure is in details).
 * An answer that cannot be read is an error, left out when another judge's can be read.
 */
async function gradeByJudges(
  name: string,
  setup: JudgeSetup,
  target: string,
  messages: ChatMessage[],
  read: (answer: string) => Grade,
  call: { models: ModelCaller | undefined; signal: AbortSignal | undefined },
): Promise<Score> {
  const answers = await Promise.all(
    setup.judges.map((judge) =>
      askJudgeText({
        judge,
        messages,
        ...(call.models ? { models: call.models } : {}),
        ...(call.signal ? { signal: call.signal } : {}),
      }),
    ),
  );
  const grades: Grade[] = answers.map((a) => (a.ok ? read(a.verdict) : { error: a.error }));
  const base = setup.details(target, answers);
  const good = grades.flatMap((g) => ('error' in g ? [] : [g]));
  const errors = grades.flatMap((g) => ('error' in g ? [g.error] : []));
  if (good.length === 0) return { ...scoreError(name, errors.join('; ')), details: base };
  const score = good.reduce((s, g) => s + g.score, 0) / good.length;
  const pass = good.every((g) => g.pass);
  const over = good.length > 1 ? ` (${good.filter((g) => g.pass).length} of ${good.length} judges pass)` : '';
  return {
    evaluator: name,
    value: Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0,
    pass,
    reason: `${good[0]!.reason}${over}`,
    details: {
      ...base,
      score,
      ...('category' in good[0]! ? { category: good[0].category } : {}),
      ...(errors.length ? { judgeErrors: errors } : {}),
    },
  };
}
