import { resolve } from 'node:path';
import { z } from 'zod';
import { AssayError } from '../core/errors.js';
import { type EvaluatorInput, type Score, scoreError } from '../core/score.js';
import { type EvaluatorFactory, parseOptions } from './factory.js';

/** What a user's scorer may return. */
export type FunctionScorerResult =
  | boolean
  | number
  | { pass?: boolean; score?: number; value?: number; reason?: string }
  | null;

/**
 * `function`: your own scorer, `file#name`, called with `{ case, output, target }`. It returns a
 * boolean, a number in 0..1 (passing at `threshold`, default 0.5), or `{ pass?, score?, reason? }`.
 */
export const functionEvaluator: EvaluatorFactory = async (config, ctx) => {
  const o = parseOptions(
    z.strictObject({
      type: z.string(),
      name: z.string().optional(),
      module: z.string().regex(/^.+#[\w$]+$/, 'expected "file#exportName"'),
      threshold: z.number().min(0).max(1).default(0.5),
    }),
    config,
  );
  const [file, exportName] = o.module.split('#') as [string, string];
  const mod = await ctx.loadModule(resolve(ctx.baseDir, file));
  const fn = mod[exportName];
  if (typeof fn !== 'function') {
    throw new AssayError('evaluator.invalid', `${file} has no exported function "${exportName}"`, {
      field: 'module',
    });
  }
  const name = o.name ?? exportName;
  return {
    name,
    async evaluate(input: EvaluatorInput): Promise<Score> {
      const r = (await fn(input)) as FunctionScorerResult;
      return toScore(name, r, o.threshold);
    },
  };
};

export function toScore(name: string, r: FunctionScorerResult, threshold: number): Score {
  if (typeof r === 'boolean') return { evaluator: name, value: r ? 1 : 0, pass: r };
  if (typeof r === 'number') {
    if (!Number.isFinite(r)) return scoreError(name, `scorer returned ${r}`);
    return { evaluator: name, value: r, pass: r >= threshold };
  }
  if (r && typeof r === 'object') {
    const value = r.score ?? r.value ?? (r.pass === undefined ? undefined : r.pass ? 1 : 0);
    if (value === undefined || !Number.isFinite(value))
      return scoreError(name, 'scorer returned neither pass nor score');
    return {
      evaluator: name,
      value,
      pass: r.pass ?? value >= threshold,
      ...(r.reason ? { reason: r.reason } : {}),
    };
  }
  return scoreError(
    name,
    `scorer returned ${JSON.stringify(r)}; expected a boolean, a number or {pass, score, reason}`,
  );
}
