import { describe, expect, it } from 'vitest';
import type { Case } from '../core/case.js';
import type { Output } from '../core/output.js';
import type { Score } from '../core/score.js';
import { normalizeAppOutput } from '../targets/normalize-output.js';
import { toolCall } from './tool-call.js';
import { argumentDiff } from './tool-call-match.js';

const ctx = { baseDir: '.', loadModule: async () => ({}) };

async function run(config: Record<string, unknown>, output: Partial<Output>, c: Partial<Case> = {}) {
  const e = await toolCall({ type: 'tool-call', ...config }, ctx);
  return (await e.evaluate({
    case: { id: 'c', vars: {}, tags: {}, ...c },
    output: { text: '', latencyMs: 1, ...output },
    target: 't',
  })) as Score;
}

// The shapes real APIs return, normalised the way targets normalise them.
const openai = normalizeAppOutput({
  output: '',
  tool_calls: [
    {
      id: 'call_1',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
    },
    { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{"tz":"Europe/Paris"}' } },
  ],
});
const anthropic = normalizeAppOutput({
  output: '',
  toolCalls: [
    { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } },
  ],
});

describe('tool-call', () => {
  it('matches OpenAI and Anthropic shapes by name and argument subset', async () => {
    const calls = [{ name: 'get_weather', arguments: { city: 'Paris' } }];
    expect(await run({ calls, allowExtra: true }, openai)).toMatchObject({ value: 1, pass: true });
    expect(await run({ calls }, anthropic)).toMatchObject({ value: 1, pass: true });
  });

  it('exact arguments reject keys that were not expected', async () => {
    const s = await run(
      { calls: [{ name: 'get_weather', arguments: { city: 'Paris' }, match: 'exact' }] },
      anthropic,
    );
    expect(s).toMatchObject({ value: 0, pass: false });
    expect(s.reason).toContain('get_weather: unit not expected');
  });

  it('reports the argument that differs, and unexpected calls', async () => {
    const s = await run({ calls: [{ name: 'get_weather', arguments: { city: 'paris' } }] }, openai);
    expect(s.pass).toBe(false);
    expect(s.value).toBe(0);
    expect(s.reason).toContain('get_weather: city: expected "paris", got "Paris"');
    expect(s.reason).toContain('unexpected call get_time');
  });

  it('scores the fraction matched, counting an unexpected call against it unless allowed', async () => {
    const calls = [{ name: 'get_weather' }, { name: 'book_flight' }];
    const strict = await run({ calls }, openai);
    expect(strict.value).toBeCloseTo(1 / 3, 12);
    expect(strict.reason).toContain('book_flight: not called');
    expect((await run({ calls, allowExtra: true }, openai)).value).toBe(0.5);
  });

  it('checks order when asked', async () => {
    const calls = [{ name: 'get_time' }, { name: 'get_weather' }];
    expect((await run({ calls }, openai)).pass).toBe(true);
    const ordered = await run({ calls, ordered: true }, openai);
    expect(ordered).toMatchObject({ value: 1 / 3, pass: false });
    expect(ordered.reason).toContain('called out of order');
  });

  it('validates arguments against a JSON schema', async () => {
    const schema = {
      type: 'object',
      required: ['city'],
      properties: { city: { type: 'string', minLength: 2 }, unit: { enum: ['celsius', 'fahrenheit'] } },
    };
    expect((await run({ calls: [{ name: 'get_weather', schema }] }, anthropic)).pass).toBe(true);
    const bad = normalizeAppOutput({
      toolCalls: [{ name: 'get_weather', arguments: { city: 'P', unit: 'kelvin' } }],
    });
    const s = await run({ calls: [{ name: 'get_weather', schema }] }, bad);
    expect(s.pass).toBe(false);
    expect(s.reason).toMatch(/arguments \/city must NOT have fewer than 2 characters/);
  });

  it('reads expected calls from the case, in any of its shapes', async () => {
    expect((await run({}, anthropic, { expected: [{ name: 'get_weather' }] })).pass).toBe(true);
    expect(
      (await run({}, anthropic, { expected: { name: 'get_weather', arguments: { unit: 'celsius' } } })).pass,
    ).toBe(true);
    expect((await run({}, anthropic, { expected: { toolCalls: [{ name: 'search' }] } })).pass).toBe(false);
    expect(
      (await run({ calls: '{{ calls }}' }, anthropic, { vars: { calls: [{ name: 'get_weather' }] } })).pass,
    ).toBe(true);
    expect(await run({}, anthropic)).toMatchObject({ value: null, pass: null });
    expect((await run({}, anthropic, { expected: [{ nam: 'x' }] })).error).toMatch(/expected/);
  });

  it('no tool call where one was expected is a failure; none expected and none made passes', async () => {
    expect(await run({ calls: [{ name: 'get_weather' }] }, { text: 'It is sunny.' })).toMatchObject({
      value: 0,
      pass: false,
    });
    expect(await run({ calls: [] }, { text: 'Hello' })).toMatchObject({ value: 1, pass: true });
    expect(await run({ calls: [] }, anthropic)).toMatchObject({ value: 0, pass: false });
  });

  it('flags arguments that were not valid JSON', async () => {
    const broken = normalizeAppOutput({
      tool_calls: [{ function: { name: 'get_weather', arguments: '{"city": Par' } }],
    });
    const s = await run({ calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] }, broken);
    expect(s.reason).toContain('arguments are not valid JSON');
  });

  it('rejects a bad literal config at build time', async () => {
    await expect(toolCall({ type: 'tool-call', calls: [{ arguments: {} }] }, ctx)).rejects.toMatchObject({
      field: 'calls[0].name',
    });
    await expect(
      toolCall({ type: 'tool-call', calls: [{ name: 'x', schema: { type: 'nope' } }] }, ctx),
    ).rejects.toThrow(/invalid JSON Schema/);
  });
});

describe('argumentDiff', () => {
  it('compares nested objects and lists', () => {
    expect(argumentDiff({ a: { b: [1, 2] } }, { a: { b: [1, 2], c: 3 } }, 'subset')).toBeUndefined();
    expect(argumentDiff({ a: { b: [1, 2] } }, { a: { b: [1, 2], c: 3 } }, 'exact')).toBe('a.c not expected');
    expect(argumentDiff({ a: { b: [1, 2] } }, { a: { b: [2, 1] } }, 'subset')).toBe(
      'a.b[0]: expected 1, got 2',
    );
    expect(argumentDiff({ q: 'ünïcödé 🎉' }, { q: 'ünïcödé 🎉' }, 'exact')).toBeUndefined();
    expect(argumentDiff({ n: 5 }, { n: '5' }, 'subset')).toBe('n: expected 5, got "5"');
  });
});
