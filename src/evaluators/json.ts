import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { AssayError } from '../core/errors.js';
import { boolScore } from '../core/score.js';
import { extractJson, matchingEnd } from './extract-json.js';
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
 * `contains-json`: some `{…}` object in the output parses as JSON (and, with `schema`, validates
 * against it) — JSON inside prose, as promptfoo's `contains-json` finds it. Use `is-json` when the
 * whole answer must be JSON.
 */
export const containsJson: EvaluatorFactory = async (config, ctx) => {
  const o = parseOptions(
    z.strictObject({ ...base, schema: z.union([z.string(), z.record(z.string(), z.unknown())]).optional() }),
    config,
  );
  const name = o.name ?? 'contains-json';
  const validate = o.schema === undefined ? undefined : await compileSchema(o.schema, ctx.baseDir);
  return {
    name,
    evaluate({ output }) {
      const objects = embeddedObjects(output.text);
      if (objects.length === 0) return boolScore(name, false, 'no JSON object in the output');
      if (!validate) return boolScore(name, true, `${objects.length} JSON object(s) found`);
      if (objects.some((v) => validate(v))) return boolScore(name, true, 'a JSON object matches the schema');
      const problems = (validate.errors ?? [])
        .slice(0, 3)
        .map((e) => `${e.instancePath || '/'} ${e.message}`);
      return boolScore(name, false, `no JSON object matches the schema: ${problems.join('; ')}`);
    },
  };
};

/** Every balanced `{…}` in the text that parses as JSON, scanning on after each one found. */
function embeddedObjects(text: string): unknown[] {
  const found: unknown[] = [];
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) {
    const end = matchingEnd(text, i);
    if (end < 0) continue;
    try {
      found.push(JSON.parse(text.slice(i, end + 1)));
      i = end;
    } catch {
      // Not JSON from this brace: try the next one.
    }
  }
  return found;
}

async function compileSchema(schema: string | Record<string, unknown>, baseDir: string) {
  let value = schema;
  if (typeof value === 'string') {
    const file = resolve(baseDir, value);
    try {
      value = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new AssayError('evaluator.invalid', `cannot read schema ${file}: ${(error as Error).message}`, {
        field: 'schema',
      });
    }
  }
  const { Ajv } = await import('ajv');
  const ajv = new Ajv({ allErrors: true, strict: false });
  try {
    return ajv.compile(value);
  } catch (error) {
    throw new AssayError('evaluator.invalid', `invalid JSON Schema: ${(error as Error).message}`, {
      field: 'schema',
    });
  }
}

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
  const validate = await compileSchema(o.schema, ctx.baseDir);
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
