import { z } from 'zod';
import type { Score } from '../core/score.js';
import { type EvaluatorFactory, parseOptions } from '../evaluators/factory.js';
import { askJudge, type JudgeAnswer } from './ask-judge.js';
import { block, boundaryFor, wordCount } from './blocks.js';
import { compileOption, referenceText, requestText } from './case-view.js';
import { buildDimensions, type Dimension, dimensionsOption, rubricOption } from './rubric-dimensions.js';
import { setupJudge } from './setup.js';
import { type RubricVerdict, rubricCheck, rubricFormat } from './verdict-shapes.js';

const schema = z.strictObject({
  type: z.string(),
  name: z.string().optional(),
  judge: z.unknown().optional(),
  dimensions: dimensionsOption.optional(),
  rubric: rubricOption.optional(),
  /** Pass at or above, on the raw scale: one number, or one per dimension. */
  threshold: z.union([z.number(), z.record(z.string(), z.number())]).optional(),
  /** A reference answer, e.g. "{{ expected }}". */
  reference: z.string().optional(),
  /** What the judge is shown as the request (default: the case's question). */
  input: z.string().optional(),
  lengthNormalize: z.boolean().default(false),
  allowSameFamily: z.boolean().default(false),
  /** Your own judge prompt: a template file or inline text (see docs/judge.md). */
  prompt: z.string().optional(),
});

/**
 * `rubric`: an LLM judge grades the output on explicit dimensions, each with every level of its scale
 * described (the brief's ACCURACY example is the model), reasoning first, then scores. Each dimension
 * is its own score, `rubric.<dimension>`, normalised to 0..1 with the raw score in `details.raw`.
 *
 * Use it for qualities no rule can check (relevance, completeness, clarity). Not for what a rule
 * can check (format, exact values, length): those are cheaper, deterministic and unbiased.
 */
export const rubric: EvaluatorFactory = async (config, ctx) => {
  const o = parseOptions(schema, config);
  const name = o.name ?? 'rubric';
  const dims = buildDimensions(o);
  const setup = await setupJudge('rubric', name, o, { rubric: o.prompt }, ctx);
  const prompt = setup.prompts.rubric!;
  const input = compileOption(o.input, 'input');
  const reference = compileOption(o.reference, 'reference');
  const names = dims.map((d) => d.name);
  const scales = Object.fromEntries(dims.map((d) => [d.name, { min: d.min, max: d.max }]));
  const check = rubricCheck(names, scales);
  const scoreName = (d: Dimension) => (dims.length === 1 && d.anonymous ? name : `${name}.${d.name}`);

  return {
    name,
    judgePrompts: setup.records,
    async evaluate({ case: c, output, target, signal, models }) {
      const request = requestText(c, output, input);
      const ref = referenceText(c, reference);
      const boundary = boundaryFor([request, output.text, ref ?? null]);
      const messages = prompt.render({
        dimensions: dims,
        multiple: dims.length > 1,
        request: block('request', boundary, request),
        response: block('response', boundary, output.text),
        reference: ref === undefined ? '' : block('reference', boundary, ref),
        boundary,
        lengthNormalize: o.lengthNormalize,
        responseWords: wordCount(output.text),
        referenceWords: ref === undefined ? 0 : wordCount(ref),
        format: rubricFormat(names, scales),
      });
      const answers = await Promise.all(
        setup.judges.map((judge) =>
          askJudge({
            judge,
            messages,
            check,
            ...(models ? { models } : {}),
            ...(signal ? { signal } : {}),
          }),
        ),
      );
      const base = {
        ...setup.details(target, answers),
        ...(o.lengthNormalize ? { lengthNormalize: true } : {}),
      };
      return dims.map((d) =>
        dimensionScore(
          scoreName(d),
          d,
          answers,
          setup.judges.map((j) => j.id),
          base,
          ref !== undefined,
        ),
      );
    },
  };
};

function dimensionScore(
  evaluator: string,
  d: Dimension,
  answers: JudgeAnswer<RubricVerdict>[],
  judgeIds: string[],
  base: Record<string, unknown>,
  withReference: boolean,
): Score {
  const scale = {
    scale: [d.min, d.max],
    threshold: d.threshold,
    dimension: d.name,
    ...(withReference ? { reference: true } : {}),
  };
  const good = answers.flatMap((a, i) =>
    a.ok ? [{ judge: judgeIds[i]!, score: a.verdict.scores[d.name]!, reasoning: a.verdict.reasoning }] : [],
  );
  const errors = answers.flatMap((a, i) => (a.ok ? [] : [{ judge: judgeIds[i]!, error: a.error }]));
  if (good.length === 0) {
    const message = errors.map((e) => e.error).join('; ');
    return {
      evaluator,
      value: null,
      pass: null,
      error: message,
      reason: message,
      details: { ...base, ...scale },
    };
  }
  const raw = good.reduce((s, g) => s + g.score, 0) / good.length;
  const value = (raw - d.min) / (d.max - d.min);
  const reasoning =
    good.length === 1 ? good[0]!.reasoning : good.map((g) => `[${g.judge}] ${g.reasoning}`).join('\n');
  const shown = Number.isInteger(raw) ? String(raw) : raw.toFixed(2);
  const over = answers.length > 1 ? ` (mean of ${good.length} judges)` : '';
  return {
    evaluator,
    value,
    pass: raw >= d.threshold,
    reason: `${d.name} ${shown}/${d.max}${over}, pass at ${d.threshold}: ${reasoning}`,
    details: {
      ...base,
      ...scale,
      raw,
      reasoning,
      ...(answers.length > 1 ? { judges: good.map((g) => ({ judge: g.judge, score: g.score })) } : {}),
      ...(errors.length ? { judgeErrors: errors } : {}),
    },
  };
}
