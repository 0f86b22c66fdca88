import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvaluatorInput, Score } from '../core/score.js';
import type { EvaluatorContext, EvaluatorFactory } from './factory.js';
import { containsJson, isJson, jsonSchema } from './json.js';

const ctx: EvaluatorContext = { baseDir: '.', loadModule: async () => ({}) };

const input = (text: string): EvaluatorInput => ({
  case: { id: 'c1', vars: {}, tags: {} },
  output: { text, latencyMs: 1 },
  target: 't',
});

async function score(factory: EvaluatorFactory, config: Record<string, unknown>, text: string, c = ctx) {
  const e = await factory({ type: 'x', ...config }, c);
  return (await e.evaluate(input(text))) as Score;
}

const SCHEMA = {
  type: 'object',
  required: ['answer', 'confidence'],
  properties: { answer: { type: 'string' }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
};

describe('is-json', () => {
  it('passes JSON, and JSON in a fenced block unless strict', async () => {
    expect((await score(isJson, {}, '{"a": 1}')).reason).toBe('valid JSON');
    const fenced = await score(isJson, {}, 'Sure!\n```json\n{"a": 1}\n```');
    expect(fenced.pass).toBe(true);
    expect(fenced.reason).toBe('valid JSON (from fence block)');
    const strict = await score(isJson, { strict: true }, 'Sure!\n```json\n{"a": 1}\n```');
    expect(strict.pass).toBe(false);
  });

  it('fails prose with the parser error as the reason', async () => {
    const s = await score(isJson, {}, 'I cannot answer that.');
    expect(s).toMatchObject({ value: 0, pass: false });
    expect(s.reason).toMatch(/^not JSON: /);
  });
});

describe('json-schema', () => {
  it('validates the output against an inline schema, listing violations with paths', async () => {
    expect((await score(jsonSchema, { schema: SCHEMA }, '{"answer": "x", "confidence": 0.9}')).pass).toBe(
      true,
    );
    const bad = await score(jsonSchema, { schema: SCHEMA }, '{"answer": 3, "confidence": 2}');
    expect(bad.pass).toBe(false);
    expect(bad.reason).toContain('/answer must be string');
    expect(bad.reason).toContain('/confidence must be <= 1');
    const missing = await score(jsonSchema, { schema: SCHEMA }, '{}');
    expect(missing.reason).toMatch(/must have required property 'answer'/);
  });

  it('reads the schema from a file relative to the config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-schema-'));
    try {
      writeFileSync(join(dir, 'answer.schema.json'), JSON.stringify(SCHEMA));
      const c = { ...ctx, baseDir: dir };
      const s = await score(
        jsonSchema,
        { schema: 'answer.schema.json' },
        '```json\n{"answer": "a", "confidence": 0}\n```',
        c,
      );
      expect(s.pass).toBe(true);
      await expect(jsonSchema({ type: 'json-schema', schema: 'missing.json' }, c)).rejects.toMatchObject({
        code: 'evaluator.invalid',
        field: 'schema',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an invalid schema fails when the suite is built', async () => {
    await expect(jsonSchema({ type: 'json-schema', schema: { type: 'not-a-type' } }, ctx)).rejects.toThrow(
      /invalid JSON Schema/,
    );
  });

  it('non-JSON output fails with a reason', async () => {
    expect((await score(jsonSchema, { schema: SCHEMA }, 'nope')).reason).toMatch(/^not JSON/);
  });
});

describe('contains-json', () => {
  it('finds a JSON object inside prose, and checks it against a schema when given one', async () => {
    const prose = 'Here you go: {"answer": "Paris", "confidence": 0.9} — anything else?';
    expect((await score(containsJson, {}, prose)).pass).toBe(true);
    expect((await score(containsJson, {}, 'no braces here')).pass).toBe(false);
    expect((await score(containsJson, {}, 'a {broken one} then {"ok": true}')).pass).toBe(true);
    expect((await score(containsJson, { schema: SCHEMA }, prose)).pass).toBe(true);
    const wrong = await score(containsJson, { schema: SCHEMA }, 'x {"answer": 3} y');
    expect(wrong.pass).toBe(false);
    expect(wrong.reason).toMatch(/no JSON object matches the schema/);
  });
});
