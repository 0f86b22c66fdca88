import { resolve } from 'node:path';
import { z } from 'zod';
import { templateScope } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import { type EvaluatorInput, type Score, scoreError } from '../core/score.js';
import { type EvaluatorFactory, parseOptions } from './factory.js';

type Check = (output: string, context: Record<string, unknown>) => unknown;

/**
 * `javascript`: an inline check, `output.includes('refund')`, or a function body of several lines
 * ending in `return …`. It sees `output` (the text) and `context` (`{ vars, case, output }`), and
 * returns a boolean, a number (passing above 0, or at `threshold`), or `{ pass, score?, reason? }`.
 * Use for one-off checks that fit a line — promptfoo's `javascript` assertions import as these; for
 * anything longer, a `function` evaluator in its own file is easier to test.
 */
export const javascript: EvaluatorFactory = async (config, ctx) => {
  const o = parseOptions(
    z.strictObject({
      type: z.string(),
      name: z.string().optional(),
      value: z.string().min(1).optional(),
      /** `./check.js` (its default export) or `./check.js#name`: called as `(output, context)`. */
      file: z.string().min(1).optional(),
      threshold: z.number().optional(),
    }),
    config,
  );
  const name = o.name ?? 'javascript';
  let check: Check;
  if (o.file !== undefined) {
    if (o.value !== undefined)
      throw new AssayError('evaluator.invalid', 'give "value" or "file", not both', { field: 'file' });
    const [file, exportName = 'default'] = o.file.split('#') as [string, string?];
    const mod = await ctx.loadModule(resolve(ctx.baseDir, file));
    const fn = mod[exportName];
    if (typeof fn !== 'function')
      throw new AssayError('evaluator.invalid', `${file} exports no function "${exportName}"`, {
        field: 'file',
      });
    check = fn as Check;
  } else if (o.value !== undefined) {
    const code = o.value.trimEnd();
    try {
      check = new Function(
        'output',
        'context',
        code.includes('\n') ? code : `return ${expression(code)}`,
      ) as Check;
    } catch (error) {
      throw new AssayError('evaluator.invalid', `does not compile: ${(error as Error).message}`, {
        field: 'value',
      });
    }
  } else throw new AssayError('evaluator.invalid', 'needs "value" (code) or "file"', { field: 'value' });
  return {
    name,
    async evaluate(input: EvaluatorInput): Promise<Score> {
      const context = { vars: templateScope(input.case), case: input.case, output: input.output };
      const r = await check(input.output.text, context);
      return toScore(name, r, o.threshold);
    },
  };
};

/** A one-line check may end in `;`; `const x = …; x > 1` keeps its statements before the return. */
function expression(code: string): string {
  const trimmed = code.trim().replace(/;+\s*$/, '');
  const last = trimmed.lastIndexOf(';');
  if (/^(const|let|var)\s/.test(trimmed) && last > 0) {
    return `(() => { ${trimmed.slice(0, last + 1)} return ${trimmed.slice(last + 1).trim()}; })()`;
  }
  return `(${trimmed})`;
}

function toScore(name: string, r: unknown, threshold: number | undefined): Score {
  if (typeof r === 'boolean') return { evaluator: name, value: r ? 1 : 0, pass: r };
  if (typeof r === 'number') {
    if (!Number.isFinite(r)) return scoreError(name, `returned ${r}`);
    const pass = threshold === undefined ? r > 0 : r >= threshold;
    // A score outside 0..1 still decides pass; the value is clamped for reports.
    return { evaluator: name, value: Math.min(1, Math.max(0, r)), pass, reason: `returned ${r}` };
  }
  if (r && typeof r === 'object' && typeof (r as { pass?: unknown }).pass === 'boolean') {
    const { pass, score, reason } = r as { pass: boolean; score?: unknown; reason?: unknown };
    const value = typeof score === 'number' && Number.isFinite(score) ? score : pass ? 1 : 0;
    return {
      evaluator: name,
      value: Math.min(1, Math.max(0, value)),
      pass,
      ...(typeof reason === 'string' ? { reason } : {}),
    };
  }
  return scoreError(
    name,
    `returned ${JSON.stringify(r)}; expected a boolean, a number or { pass, score, reason }`,
  );
}
