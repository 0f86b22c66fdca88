import type { ValidateFunction } from 'ajv';
import { z } from 'zod';
import { AssayError } from '../core/errors.js';
import type { Score } from '../core/score.js';
import { type EvaluatorFactory, parseOptions } from './factory.js';

const fnShape = z.looseObject({
  name: z.string().min(1),
  parameters: z.record(z.string(), z.unknown()).optional(),
});
const tool = z.union([z.looseObject({ type: z.literal('function'), function: fnShape }), fnShape]);

/**
 * `valid-tool-calls`: the output is one or more tool calls, each naming one of `tools` (the tools the
 * model was offered, in OpenAI's `{ type: function, function: { name, parameters } }` shape or as
 * `{ name, parameters }`) with arguments that are JSON satisfying that tool's `parameters` schema.
 * No call at all fails. Scored 1 or 0 (promptfoo's `is-valid-openai-tools-call`).
 *
 * Use it to catch hallucinated tools and malformed arguments whatever the model chose to call. Not
 * for checking that the right tool was called with the right values: that is `tool-call`.
 */
export const validToolCalls: EvaluatorFactory = async (config) => {
  const o = parseOptions(
    z.strictObject({ type: z.string(), name: z.string().optional(), tools: z.array(tool).min(1) }),
    config,
  );
  const name = o.name ?? 'valid-tool-calls';
  const { Ajv } = await import('ajv');
  const ajv = new Ajv({ strict: false });
  const schemas = new Map<string, ValidateFunction | undefined>();
  o.tools.forEach((t, i) => {
    const fn =
      'function' in t && typeof t.function === 'object'
        ? (t.function as z.output<typeof fnShape>)
        : (t as z.output<typeof fnShape>);
    try {
      schemas.set(fn.name, fn.parameters ? ajv.compile(fn.parameters) : undefined);
    } catch (error) {
      throw new AssayError(
        'evaluator.invalid',
        `tool "${fn.name}": invalid JSON Schema: ${(error as Error).message}`,
        {
          field: `tools[${i}]`,
        },
      );
    }
  });
  const fail = (reason: string): Score => ({ evaluator: name, value: 0, pass: false, reason });

  return {
    name,
    evaluate({ output }): Score {
      const calls = output.toolCalls ?? [];
      if (calls.length === 0) return fail('the output has no tool call');
      for (const call of calls) {
        if (!schemas.has(call.name))
          return fail(`called "${call.name}", but there is no tool with that name`);
        if (typeof call.arguments === 'string')
          return fail(`the arguments of "${call.name}" are not JSON: ${call.arguments.slice(0, 80)}`);
        // As promptfoo: a tool offered without a parameters schema cannot be called validly.
        const validate = schemas.get(call.name);
        if (!validate) return fail(`"${call.name}" has no parameters schema to check its arguments against`);
        if (!validate(call.arguments)) {
          const e = validate.errors?.[0];
          return fail(
            `call to "${call.name}": arguments ${e?.instancePath || '/'} ${e?.message ?? 'invalid'}`,
          );
        }
      }
      return { evaluator: name, value: 1, pass: true, reason: `${calls.length} valid tool call(s)` };
    },
  };
};
