import { describe, expect, it } from 'vitest';
import type { Score } from '../core/score.js';
import { validToolCalls } from './tool-call-valid.js';

const ctx = { baseDir: '.', loadModule: async () => ({}) };
const weather = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', required: ['city'] } },
};

async function run(tools: unknown[], calls: { name: string; arguments: unknown }[]): Promise<Score> {
  const e = await validToolCalls({ type: 'valid-tool-calls', tools }, ctx);
  return (await e.evaluate({
    case: { id: 'c', vars: {}, tags: {} },
    output: { text: '', latencyMs: 1, toolCalls: calls },
    target: 't',
  })) as Score;
}

describe('valid-tool-calls', () => {
  it('passes calls to offered tools with valid arguments, in either tool shape', async () => {
    expect((await run([weather], [{ name: 'get_weather', arguments: { city: 'Oslo' } }])).pass).toBe(true);
    const plain = [{ name: 'ping', parameters: { type: 'object' } }];
    expect((await run(plain, [{ name: 'ping', arguments: {} }])).pass).toBe(true);
  });

  it('fails no call, an unknown tool, bad arguments, and a tool offered without parameters', async () => {
    expect((await run([weather], [])).reason).toBe('the output has no tool call');
    expect((await run([weather], [{ name: 'get_time', arguments: {} }])).reason).toContain(
      'no tool with that name',
    );
    expect((await run([weather], [{ name: 'get_weather', arguments: {} }])).reason).toContain(
      "must have required property 'city'",
    );
    expect((await run([weather], [{ name: 'get_weather', arguments: 'city=Oslo' }])).reason).toContain(
      'not JSON',
    );
    const bare = [{ type: 'function', function: { name: 'ping' } }];
    expect((await run(bare, [{ name: 'ping', arguments: {} }])).pass).toBe(false);
  });

  it('refuses a tool whose schema does not compile when the suite is built', async () => {
    const broken = [{ name: 'x', parameters: { type: 'nope' } }];
    await expect(validToolCalls({ type: 'valid-tool-calls', tools: broken }, ctx)).rejects.toMatchObject({
      code: 'evaluator.invalid',
      field: 'tools[0]',
    });
  });
});
