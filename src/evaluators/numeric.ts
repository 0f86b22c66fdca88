import { z } from 'zod';
import { templateScope } from '../core/case.js';
import { boolScore, type Score, scoreError } from '../core/score.js';
import { compileDeep } from '../templates/render.js';
import { type EvaluatorFactory, parseOptions } from './factory.js';
import { type FoundNumber, parseNumbers } from './parse-numbers.js';
import { notApplicable, quote } from './reference-input.js';

const scalar = z.union([z.number(), z.string()]);

/**
 * `numeric`: the number in the output is within `abs` or `rel` tolerance of the expected number
 * (`value`, else the case's `expected`; a list accepts any of them). Numbers are read from text:
 * `1,234.5`, `-3`, `1e3`, `45%` (read as 45). `pick` chooses which number of the output counts:
 * `last` (default, as GSM8K-style scoring reads a worked answer), `first`, or `any`.
 * Use for quantities and calculations; not for ids or codes that merely look like numbers (`equals`).
 */
export const numeric: EvaluatorFactory = (config) => {
  const o = parseOptions(
    z.strictObject({
      type: z.string(),
      name: z.string().optional(),
      value: z.union([scalar, z.array(scalar).min(1)]).optional(),
      abs: z.number().nonnegative().default(0),
      rel: z.number().nonnegative().default(0),
      pick: z.enum(['first', 'last', 'any']).default('last'),
    }),
    config,
  );
  const name = o.name ?? 'numeric';
  const render = o.value === undefined ? undefined : compileDeep(o.value, `${name}.value`);
  const close = (a: number, e: number) => {
    const d = Math.abs(a - e);
    return d <= o.abs || d <= o.rel * Math.abs(e);
  };
  const tolerance = [o.abs ? `±${o.abs}` : '', o.rel ? `±${o.rel * 100}%` : ''].filter(Boolean).join(' or ');
  return {
    name,
    evaluate(input): Score {
      const raw = render
        ? render({ ...templateScope(input.case), output: input.output.text })
        : input.case.expected;
      if (raw === undefined || raw === null) return notApplicable(name, 'no expected number');
      const expected: number[] = [];
      for (const e of Array.isArray(raw) ? raw : [raw]) {
        const n = typeof e === 'number' ? e : typeof e === 'string' ? parseNumbers(e)[0]?.value : undefined;
        if (n === undefined || !Number.isFinite(n))
          return scoreError(name, `no number in expected ${quote(String(e))}`);
        expected.push(n);
      }
      const found = parseNumbers(input.output.text);
      if (found.length === 0)
        return boolScore(name, false, `no number in the output ${quote(input.output.text)}`);
      const candidates: FoundNumber[] =
        o.pick === 'any' ? found : [o.pick === 'first' ? found[0]! : found[found.length - 1]!];
      const hit = candidates.find((c) => expected.some((e) => close(c.value, e)));
      const shown = hit ?? candidates[0]!;
      const nearest = expected.reduce((a, b) =>
        Math.abs(b - shown.value) < Math.abs(a - shown.value) ? b : a,
      );
      const read = hit
        ? `found ${shown.text.trim()}`
        : o.pick === 'any'
          ? `none of ${found.map((f) => f.text.trim()).join(', ')} matches`
          : `${o.pick} number is ${shown.text.trim()}`;
      const want = `expected ${expected.join(' or ')}${tolerance ? ` (${tolerance})` : ''}`;
      const score = boolScore(name, hit !== undefined, `${read}, ${want}`);
      return {
        ...score,
        details: {
          found: found.map((f) => f.value),
          picked: shown.value,
          expected,
          difference: shown.value - nearest,
        },
      };
    },
  };
};
