import { z } from 'zod';
import type { Evaluator, Score } from '../core/score.js';
import { scoreError } from '../core/score.js';
import { scoreEach } from './apply.js';
import type { EvaluatorContext, EvaluatorFactory } from './factory.js';
import { parseOptions } from './factory.js';
import { createEvaluators } from './registry.js';

const nested = z.looseObject({ type: z.string() });

/** Builds the nested evaluators; an error names where in the combinator the bad config sits. */
function children(
  configs: Record<string, unknown>[],
  field: string,
  ctx: EvaluatorContext,
): Promise<Evaluator[]> {
  // Children may share a name (two `contains` under `any`): their scores are kept apart by position.
  return createEvaluators(configs, ctx, { path: [field], uniqueNames: false });
}

/** A combinator's judge prompts are its children's. */
function promptsOf(kids: Evaluator[]): Pick<Evaluator, 'judgePrompts'> {
  const prompts = kids.flatMap((k) => k.judgePrompts ?? []);
  return prompts.length ? { judgePrompts: prompts } : {};
}

const summary = (s: Score) =>
  `${s.evaluator}: ${s.error ? `error (${s.error})` : s.pass === null ? 'n/a' : s.pass ? 'pass' : 'fail'}`;

/**
 * `all` and `any` in three-valued logic: a failing child fails `all` even when another errored,
 * a passing child passes `any`; otherwise an error decides (null score), and children that do not
 * apply (null without error) are left out. The value is the minimum (`all`) or maximum (`any`).
 */
function logical(kind: 'all' | 'any'): EvaluatorFactory {
  return async (config, ctx) => {
    const o = parseOptions(
      z.strictObject({ type: z.string(), name: z.string().optional(), evaluators: z.array(nested).min(1) }),
      config,
    );
    const kids = await children(o.evaluators, 'evaluators', ctx);
    const name = o.name ?? `${kind}(${kids.map((k) => k.name).join(', ')})`;
    return {
      name,
      ...promptsOf(kids),
      async evaluate(input): Promise<Score> {
        const scores = (await scoreEach(kids, input)).flat();
        const details = { children: scores };
        const decided = scores.filter((s) => !s.error && s.pass !== null);
        const errors = scores.filter((s) => s.error);
        const decisive = decided.find((s) => s.pass === (kind === 'any'));
        const reason = scores.map(summary).join('; ');
        if (!decisive && errors.length > 0)
          return { ...scoreError(name, errors.map(summary).join('; ')), details };
        if (decided.length === 0) return { evaluator: name, value: null, pass: null, reason, details };
        const values = decided.map((s) => s.value ?? (s.pass ? 1 : 0));
        const value = kind === 'all' ? Math.min(...values) : Math.max(...values);
        return {
          evaluator: name,
          value,
          pass: kind === 'any' ? decisive !== undefined : !decisive,
          reason,
          details,
        };
      },
    };
  };
}

/** `all`: passes when every nested evaluator passes. The value is the lowest child value. */
export const all = logical('all');
/** `any`: passes when at least one nested evaluator passes. The value is the highest child value. */
export const any = logical('any');

/** `not`: inverts one evaluator (pass ↔ fail, value v → 1 − v); errors and n/a pass through. */
export const not: EvaluatorFactory = async (config, ctx) => {
  const o = parseOptions(
    z.strictObject({ type: z.string(), name: z.string().optional(), evaluator: nested }),
    config,
  );
  const [kid] = await children([o.evaluator], 'evaluator', ctx);
  const name = o.name ?? `not(${kid!.name})`;
  return {
    name,
    ...promptsOf([kid!]),
    async evaluate(input): Promise<Score> {
      const [scores] = await scoreEach([kid!], input);
      if (scores!.length !== 1)
        return scoreError(name, `not needs one score, ${kid!.name} gave ${scores!.length}`);
      const s = scores![0]!;
      if (s.error) return { ...scoreError(name, s.error), details: { child: s } };
      return {
        evaluator: name,
        value: s.value === null ? null : 1 - s.value,
        pass: s.pass === null ? null : !s.pass,
        reason: `not: ${s.reason ?? summary(s)}`,
        details: { child: s },
      };
    },
  };
};

/**
 * `weighted`: the weighted mean of the children's values (`weight` beside each nested config,
 * default 1; 0 reports a child without letting it count), passing at `threshold`. `scoreAs: pass`
 * beside a child counts it as 1 when it passes and 0 when it fails, whatever its value (a
 * `levenshtein` with `maxDistance` is pass/fail, its value a similarity). Children that do not apply
 * are left out and the weights renormalised; an error makes the whole score an error.
 */
export const weighted: EvaluatorFactory = async (config, ctx) => {
  const o = parseOptions(
    z.strictObject({
      type: z.string(),
      name: z.string().optional(),
      evaluators: z
        .array(
          nested.extend({
            weight: z.number().nonnegative().default(1),
            scoreAs: z.enum(['value', 'pass']).default('value'),
          }),
        )
        .min(1),
      threshold: z.number().min(0).max(1).default(0.5),
    }),
    config,
  );
  const weights = o.evaluators.map((e) => e.weight);
  const byPass = o.evaluators.map((e) => e.scoreAs === 'pass');
  const kids = await children(
    o.evaluators.map(({ weight: _, scoreAs: __, ...rest }) => rest),
    'evaluators',
    ctx,
  );
  const name = o.name ?? `weighted(${kids.map((k, i) => `${k.name}×${weights[i]}`).join(', ')})`;
  return {
    name,
    ...promptsOf(kids),
    async evaluate(input): Promise<Score> {
      const perChild = await scoreEach(kids, input);
      const details = { children: perChild.flat() };
      const errors = perChild.flat().filter((s) => s.error);
      if (errors.length > 0) return { ...scoreError(name, errors.map(summary).join('; ')), details };
      let sum = 0;
      let total = 0;
      perChild.forEach((scores, i) => {
        for (const s of scores) {
          const v = byPass[i] ? (s.pass === null ? null : s.pass ? 1 : 0) : s.value;
          if (v === null) continue;
          sum += weights[i]! * v;
          total += weights[i]!;
        }
      });
      const reason = perChild
        .flat()
        .map((s) => `${s.evaluator} ${s.value === null ? 'n/a' : s.value.toFixed(3)}`)
        .join(', ');
      if (total === 0)
        return { evaluator: name, value: null, pass: null, reason: `no child applies: ${reason}`, details };
      const value = sum / total;
      return { evaluator: name, value, pass: value >= o.threshold, reason, details };
    },
  };
};
