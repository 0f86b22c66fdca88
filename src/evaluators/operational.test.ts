import { describe, expect, it } from 'vitest';
import type { Output } from '../core/output.js';
import type { Score } from '../core/score.js';
import type { EvaluatorContext } from './factory.js';
import { cost, latency } from './operational.js';

const ctx: EvaluatorContext = { baseDir: '.', loadModule: async () => ({}) };
const on = (output: Partial<Output>) => ({
  case: { id: 'c', vars: {}, tags: {} },
  output: { text: 'x', latencyMs: 0, ...output },
  target: 't',
});

describe('latency', () => {
  it('passes at or under the limit', async () => {
    const e = await latency({ type: 'latency', max: 2000 }, ctx);
    expect(e.evaluate(on({ latencyMs: 2000 }))).toMatchObject({
      pass: true,
      value: 1,
      reason: '2000 ms ≤ 2000 ms',
    });
    expect(e.evaluate(on({ latencyMs: 30_000 }))).toMatchObject({ pass: false, value: 0 });
    expect((e.evaluate(on({ latencyMs: 5, cached: true })) as Score).reason).toMatch(/measured when cached/);
  });

  it('needs a positive max', async () => {
    await expect(async () => latency({ type: 'latency' }, ctx)).rejects.toMatchObject({ field: 'max' });
    await expect(async () => latency({ type: 'latency', max: -1 }, ctx)).rejects.toMatchObject({
      code: 'evaluator.invalid',
    });
  });
});

describe('cost', () => {
  it('passes at or under the budget', async () => {
    const e = await cost({ type: 'cost', max: 0.01 }, ctx);
    expect(e.evaluate(on({ costUsd: 0.002 }))).toMatchObject({ pass: true });
    expect(e.evaluate(on({ costUsd: 0.02 }))).toMatchObject({ pass: false, value: 0 });
  });

  it('an unknown cost is a null score, not a pass and not a zero', async () => {
    const e = await cost({ type: 'cost', max: 0.01 }, ctx);
    const s = e.evaluate(on({})) as Score;
    expect(s.value).toBeNull();
    expect(s.pass).toBeNull();
    expect(s.error).toBeUndefined();
  });
});
