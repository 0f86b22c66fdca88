import { describe, expect, it } from 'vitest';
import { assayMatchers } from './matchers.js';

expect.extend(assayMatchers);

const schema = {
  type: 'object',
  required: ['answer', 'confidence'],
  properties: { answer: { type: 'string' }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
};

describe('toPass', () => {
  it('passes outputs that pass the evaluator, for strings, Output-like objects and plain values', async () => {
    await expect('{"answer": "30 days", "confidence": 0.9}').toPass({ type: 'json-schema', schema });
    await expect({ text: 'Refunds take 30 days.', latencyMs: 120 }).toPass({ type: 'latency', max: 500 });
    await expect({ answer: 'x', confidence: 1 }).toPass({ type: 'json-schema', schema });
    await expect('Refunds take 30 days.').toPass(
      { type: 'contains', value: '{{ expected }}' },
      { expected: '30 days' },
    );
    await expect('not json').not.toPass('is-json');
  });

  it('fails with the score and the reason', async () => {
    const error = await expect('{"answer": 42}')
      .toPass({ type: 'json-schema', schema })
      .catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      [
        'expected the output to pass json-schema:',
        "  ✘ json-schema: score 0 — / must have required property 'confidence'; /answer must be string",
        '  output: "{\\"answer\\": 42}"',
      ].join('\n'),
    );
  });

  it('says so when .not fails, and reports an evaluator that could not score', async () => {
    const not = await expect('{"a": 1}')
      .not.toPass('is-json')
      .catch((e: Error) => e);
    expect((not as Error).message).toMatch(
      /^expected the output not to pass is-json, but it did:\n {2}✔ is-json: score 1 — valid JSON/,
    );
    const noRef = await expect('anything')
      .toPass({ type: 'contains', value: '{{ expected }}' })
      .catch((e: Error) => e);
    expect((noRef as Error).message).toMatch(
      /^expected the output to pass contains:\n {2}✘ contains: no score — /,
    );
  });

  it('rejects an unknown evaluator type with the known ones listed', async () => {
    await expect(expect('x').toPass({ type: 'no-such' })).rejects.toThrow(
      /unknown evaluator type "no-such" \(known: .*is-json/,
    );
  });
});
