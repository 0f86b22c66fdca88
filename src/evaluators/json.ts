import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { AssayError } from '../core/errors.js';
import { boolScore } from '../core/score.js';
import { extractJson } from './extract-json.js';
import { type EvaluatorFactory, parseOptions } from './factory.js';

const base = { type: z.string(), name: z.string().optional() };

/**
 * `is-json`: the output is JSON, or holds JSON in a fenced block (`strict: true` wants the whole
 * output to be JSON). Use for format compliance; add `json-schema` to check the structure.
 */
export const isJson: EvaluatorFactory = (config) => {
  const o = parseOptions(z.strictObject({ ...base, strict: z.boolean().default(false) }), config);
  const name = o.name ?? 'is-json';
  return {
    name,
    evaluate({ output }) {
      const found = extractJson(output.text);
      if (!found.ok) return boolScore(name, false, `not JSON: ${found.error}`);
      if (o.strict && found.source !== 'whole')
        return boolScore(name, false, `JSON found in a ${found.source} block, not the whole output`);
      return boolScore(
        name,
        true,
        found.source === 'whole' ? 'valid JSON' : `valid JSON (from ${found.source} block)`,
      );
    },
  };
};

/**
 * `json-schema`: the output's JSON validates against a JSON Schema (inline, or a file path), with ajv.
 * The reason lists the first violations with their paths.
 */
export const jsonSchema: EvaluatorFactory = async (config, ctx) => {
  const o = parseOptions(
    z.strictObject({
      ...base,
      schema: z.union([z.string(), z.record(z.string(), z.unknown())]),
      strict: z.boolean().default(false),
    }),
    config,
  );
  const name = o.name ?? 'json-schema';
  let schema = o.schema;
  if (typeof schema === 'string') {
    const file = resolve(ctx.baseDir, schema);
    try {
      schema = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new AssayError('evaluator.invalid', `cannot read schema ${file}: ${(error as Error).message}`, {
        field: 'schema',
      });
    }
  }
  const { Ajv } = await import('ajv');
  const ajv = new Ajv({ allErrors: true, strict: false });
  let validate: ReturnType<typeof ajv.compile>;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    throw new AssayError('evaluator.invalid', `invalid JSON Schema: ${(error as Error).message}`, {
      field: 'schema',
    });
  }
  return {
    name,
    evaluate({ output }) {
      const found = extractJson(output.text);
      if (!found.ok) return boolScore(name, false, `not JSON: ${found.error}`);
      if (o.strict && found.source !== 'whole')
        return boolScore(name, false, `JSON found in a ${found.source} block, not the whole output`);
      if (validate(found.value)) return boolScore(name, true, 'matches the schema');
      const problems = (validate.errors ?? [])
        .slice(0, 3)
        .map((e) => `${e.instancePath || '/'} ${e.message}`);
      return boolScore(name, false, problems.join('; '));
    },
  };
};
