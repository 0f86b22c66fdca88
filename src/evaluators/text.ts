import { z } from 'zod';
import { templateScope } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import { boolScore, type Evaluator, type EvaluatorInput } from '../core/score.js';
import { compileDeep } from '../templates/render.js';
import { type EvaluatorFactory, parseOptions } from './factory.js';

const base = { type: z.string(), name: z.string().optional() };
const valueOrList = z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()])).min(1)]);

/** The evaluator's `value`, rendered for the case, as a list of strings. */
function values(template: unknown, name: string): (input: EvaluatorInput) => string[] {
  const render = compileDeep(template, `${name}.value`);
  return (input) => {
    const v = render({ ...templateScope(input.case), output: input.output.text });
    return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  };
}

function short(text: string, max = 80): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/**
 * `equals`: the output equals the value (any of a list), after trimming surrounding whitespace.
 * Use for labels, ids and short deterministic answers; for free text prefer `f1` or `similar`.
 */
export const equals: EvaluatorFactory = (config) => {
  const o = parseOptions(
    z.strictObject({
      ...base,
      value: valueOrList,
      trim: z.boolean().default(true),
      ignoreCase: z.boolean().default(false),
    }),
    config,
  );
  const name = o.name ?? 'equals';
  const get = values(o.value, name);
  const norm = (s: string) => {
    const t = o.trim ? s.trim() : s;
    return o.ignoreCase ? t.toLowerCase() : t;
  };
  return {
    name,
    evaluate(input) {
      const expected = get(input);
      const out = norm(input.output.text);
      const pass = expected.some((e) => norm(e) === out);
      return boolScore(
        name,
        pass,
        pass ? 'equal' : `expected ${expected.map((e) => short(e)).join(' or ')}, got ${short(out)}`,
      );
    },
  };
};

function containsFactory(kind: 'contains' | 'icontains' | 'not-contains'): EvaluatorFactory {
  return (config) => {
    const o = parseOptions(
      z.strictObject({
        ...base,
        value: valueOrList,
        mode: z.enum(['any', 'all']).optional(),
        ignoreCase: z.boolean().optional(),
      }),
      config,
    );
    const name = o.name ?? kind;
    const get = values(o.value, name);
    const ignoreCase = o.ignoreCase ?? kind === 'icontains';
    // not-contains fails when any needle is present; contains needs all needles by default.
    const mode = o.mode ?? (kind === 'not-contains' ? 'any' : 'all');
    return {
      name,
      evaluate(input): ReturnType<Evaluator['evaluate']> {
        const hay = ignoreCase ? input.output.text.toLowerCase() : input.output.text;
        const needles = get(input);
        const found = needles.filter((n) => hay.includes(ignoreCase ? n.toLowerCase() : n));
        const missing = needles.filter((n) => !found.includes(n));
        if (kind === 'not-contains') {
          return boolScore(
            name,
            found.length === 0,
            found.length ? `contains ${found.map((f) => short(f)).join(', ')}` : 'none found',
          );
        }
        const pass = mode === 'all' ? missing.length === 0 : found.length > 0;
        return boolScore(
          name,
          pass,
          pass
            ? `contains ${found.map((f) => short(f)).join(', ')}`
            : `missing ${missing.map((m) => short(m)).join(', ')}`,
        );
      },
    };
  };
}

/** `contains`: the output contains the value (every value of a list, or any with `mode: any`). */
export const contains = containsFactory('contains');
/** `icontains`: `contains`, ignoring case. */
export const icontains = containsFactory('icontains');
/** `not-contains`: none of the values appears. Use for forbidden words; for PII use `safety`. */
export const notContains = containsFactory('not-contains');

/**
 * `starts-with`: the output starts with the value, after leading whitespace is trimmed (`trim:
 * false` keeps it, as promptfoo's `starts-with` does).
 */
export const startsWith: EvaluatorFactory = (config) => {
  const o = parseOptions(
    z.strictObject({
      ...base,
      value: valueOrList,
      ignoreCase: z.boolean().default(false),
      trim: z.boolean().default(true),
    }),
    config,
  );
  const name = o.name ?? 'starts-with';
  const get = values(o.value, name);
  return {
    name,
    evaluate(input) {
      const norm = (s: string) => (o.ignoreCase ? s.toLowerCase() : s);
      const text = norm(o.trim ? input.output.text.trimStart() : input.output.text);
      const prefixes = get(input);
      const pass = prefixes.some((p) => text.startsWith(norm(p)));
      return boolScore(
        name,
        pass,
        pass ? 'matches' : `does not start with ${prefixes.map((p) => short(p)).join(' or ')}`,
      );
    },
  };
};

/** `regex`: the output matches the pattern (JavaScript syntax; `flags` such as `i`, `m`, `s`). */
export const regex: EvaluatorFactory = (config) => {
  const o = parseOptions(
    z.strictObject({
      ...base,
      value: z.string().min(1),
      flags: z
        .string()
        .regex(/^[dgimsuy]*$/)
        .default(''),
    }),
    config,
  );
  const name = o.name ?? 'regex';
  const render = compileDeep(o.value, `${name}.value`);
  let fixed: RegExp | undefined;
  try {
    fixed = /\{\{|\{%/.test(o.value) ? undefined : new RegExp(o.value, o.flags);
  } catch (error) {
    throw new AssayError('evaluator.invalid', (error as Error).message, { field: 'value' });
  }
  return {
    name,
    evaluate(input) {
      const re =
        fixed ??
        new RegExp(String(render({ ...templateScope(input.case), output: input.output.text })), o.flags);
      const m = re.exec(input.output.text);
      return boolScore(
        name,
        m !== null,
        m ? `matched ${short(m[0])}` : `no match for /${re.source}/${re.flags}`,
      );
    },
  };
};
