import type { ValidateFunction } from 'ajv';
import { z } from 'zod';
import { templateScope } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import { formatPath } from '../core/field-path.js';
import type { ToolCall } from '../core/output.js';
import { type Score, scoreError } from '../core/score.js';
import { compileDeep } from '../templates/render.js';
import { type EvaluatorFactory, parseOptions } from './factory.js';
import { fmt, notApplicable } from './reference-input.js';
import { type ArgumentMatch, argumentDiff, assignCalls } from './tool-call-match.js';

const match = z.enum(['exact', 'subset']);
const expectedCall = z.strictObject({
  name: z.string().min(1),
  arguments: z.unknown().optional(),
  match: match.optional(),
  schema: z.record(z.string(), z.unknown()).optional(),
});
type ExpectedCall = z.output<typeof expectedCall>;

/** Expected calls as a list, one call, or `{ toolCalls: [...] }` (how a case's `expected` may hold them). */
function readCalls(value: unknown, where: string): ExpectedCall[] {
  let list = value;
  if (list && typeof list === 'object' && !Array.isArray(list)) {
    const o = list as Record<string, unknown>;
    list = o.toolCalls ?? o.tool_calls ?? [o];
  }
  const parsed = z.array(expectedCall).safeParse(list);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new AssayError('evaluator.invalid', issue.message, {
    field: formatPath([where, ...(issue.path as (string | number)[])]),
  });
}

/**
 * `tool-call`: the model called the expected tools with the expected arguments. Each expected call
 * names the tool and may give `arguments` (matched `exact`ly or as a `subset`, the default) and a
 * JSON `schema` the arguments must satisfy. `ordered` demands the calls in order; `allowExtra`
 * tolerates calls that were not expected. The score is the fraction of expected calls matched (an
 * unexpected call counts against it unless allowed). Expected calls come from `calls`, else from the
 * case's `expected`. Use for agents and function calling; the answer text is not looked at.
 */
export const toolCall: EvaluatorFactory = async (config) => {
  const o = parseOptions(
    z.strictObject({
      type: z.string(),
      name: z.string().optional(),
      calls: z.union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
      ordered: z.boolean().default(false),
      allowExtra: z.boolean().default(false),
      match: match.default('subset'),
    }),
    config,
  );
  const name = o.name ?? 'tool-call';
  const { Ajv } = await import('ajv');
  const ajv = new Ajv({ allErrors: false, strict: false });
  const validators = new Map<string, ValidateFunction>();
  const validator = (schema: Record<string, unknown>): ValidateFunction => {
    const key = JSON.stringify(schema);
    let v = validators.get(key);
    if (!v) {
      try {
        v = ajv.compile(schema);
      } catch (error) {
        throw new AssayError('evaluator.invalid', `invalid JSON Schema: ${(error as Error).message}`, {
          field: 'calls',
        });
      }
      validators.set(key, v);
    }
    return v;
  };
  const render = o.calls === undefined ? undefined : compileDeep(o.calls, `${name}.calls`);
  // Calls given literally are checked now, so a typo fails the config, not every case.
  const fixed =
    o.calls !== undefined && !/\{\{|\{%/.test(JSON.stringify(o.calls))
      ? readCalls(o.calls, 'calls')
      : undefined;
  for (const c of fixed ?? []) if (c.schema) validator(c.schema);

  const why = (e: ExpectedCall, a: ToolCall): string | undefined => {
    if (e.name !== a.name) return `called ${a.name}`;
    if (typeof a.arguments === 'string') return 'arguments are not valid JSON';
    if (e.arguments !== undefined) {
      const d = argumentDiff(e.arguments, a.arguments, (e.match ?? o.match) as ArgumentMatch);
      if (d) return d;
    }
    if (e.schema) {
      const v = validator(e.schema);
      if (!v(a.arguments)) return `arguments ${v.errors?.[0]?.instancePath || '/'} ${v.errors?.[0]?.message}`;
    }
    return undefined;
  };

  return {
    name,
    evaluate(input): Score {
      let expected: ExpectedCall[];
      try {
        if (fixed) expected = fixed;
        else if (render)
          expected = readCalls(render({ ...templateScope(input.case), output: input.output.text }), 'calls');
        else if (input.case.expected === undefined) return notApplicable(name, 'no expected tool calls');
        else expected = readCalls(input.case.expected, 'expected');
        for (const c of expected) if (c.schema) validator(c.schema);
      } catch (error) {
        return scoreError(name, error instanceof AssayError ? error.toString() : String(error));
      }
      const actual = input.output.toolCalls ?? [];
      const pairs = assignCalls(
        expected.length,
        actual.length,
        (e, a) => why(expected[e]!, actual[a]!) === undefined,
        o.ordered,
      );
      const used = new Set(pairs.values());
      const problems: string[] = [];
      expected.forEach((e, i) => {
        if (pairs.has(i)) return;
        const fits = actual.some((a) => why(e, a) === undefined);
        const sameName = actual.find((a, j) => !used.has(j) && a.name === e.name);
        const reason = fits ? 'called out of order' : sameName ? why(e, sameName)! : 'not called';
        problems.push(`${e.name}: ${reason}`);
      });
      const extras = actual.filter((_, j) => !used.has(j));
      if (!o.allowExtra) for (const a of extras) problems.push(`unexpected call ${a.name}`);
      const denominator = expected.length + (o.allowExtra ? 0 : extras.length);
      const value = denominator === 0 ? 1 : pairs.size / denominator;
      const pass = pairs.size === expected.length && (o.allowExtra || extras.length === 0);
      const summary = `${pairs.size}/${expected.length} expected call(s) matched`;
      return {
        evaluator: name,
        value,
        pass,
        reason: problems.length ? `${summary}; ${problems.join('; ')}` : `${summary} (score ${fmt(value)})`,
        details: { expected: expected.map((e) => e.name), actual: actual.map((a) => a.name), problems },
      };
    },
  };
};
