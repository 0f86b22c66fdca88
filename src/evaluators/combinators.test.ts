import { describe, expect, it } from 'vitest';
import type { Case } from '../core/case.js';
import type { Score } from '../core/score.js';
import { createEvaluator, registerEvaluator } from './registry.js';

const ctx = { baseDir: '.', loadModule: async () => ({}) };

// A real evaluator that throws, to see errors travel through combinators.
registerEvaluator('test-throws', () => ({
  name: 'throws',
  evaluate() {
    throw new Error('boom');
  },
}));

async function run(config: Record<string, unknown>, text: string, c: Partial<Case> = {}) {
  const e = await createEvaluator(config, ctx);
  return {
    name: e.name,
    score: (await e.evaluate({
      case: { id: 'c', vars: {}, tags: {}, ...c },
      output: { text, latencyMs: 1 },
      target: 't',
    })) as Score,
  };
}

const has = (value: string) => ({ type: 'contains', value, name: `has-${value}` });

describe('all / any', () => {
  it('combine pass and take the lowest / highest value', async () => {
    const both = { type: 'all', evaluators: [has('refund'), { type: 'f1', threshold: 0.4 }] };
    const r = await run(both, 'refund within 30 days', { expected: '30 days' });
    expect(r.name).toBe('all(has-refund, f1)');
    // f1 of 4 words against 2: precision 0.5, recall 1 → 2/3, the lower of the two.
    expect(r.score.pass).toBe(true);
    expect(r.score.value).toBeCloseTo(2 / 3, 12);
    expect((await run(both, 'no idea', { expected: '30 days' })).score).toMatchObject({
      pass: false,
      value: 0,
    });
    const either = { type: 'any', evaluators: [has('refund'), has('return')] };
    expect((await run(either, 'you can return it', {})).score).toMatchObject({ pass: true, value: 1 });
    expect((await run(either, 'no', {})).score).toMatchObject({ pass: false, value: 0 });
  });

  it('use three-valued logic with errors and skip children that do not apply', async () => {
    const config = (kind: string) => ({ type: kind, evaluators: [has('x'), { type: 'test-throws' }] });
    expect((await run(config('all'), 'y')).score).toMatchObject({ pass: false, value: 0 });
    const allErr = (await run(config('all'), 'x')).score;
    expect(allErr).toMatchObject({ value: null, pass: null });
    expect(allErr.error).toMatch(/throws: error \(boom\)/);
    expect((await run(config('any'), 'x')).score).toMatchObject({ pass: true, value: 1 });
    expect((await run(config('any'), 'y')).score.error).toMatch(/boom/);
    // f1 does not apply without a reference; the contains decides alone.
    const partly = { type: 'all', evaluators: [has('x'), { type: 'f1' }] };
    expect((await run(partly, 'x')).score).toMatchObject({ pass: true, value: 1 });
  });
});

describe('not', () => {
  it('inverts pass and value', async () => {
    const r = await run({ type: 'not', evaluator: { type: 'safety' } }, 'mail a@b.co');
    expect(r.name).toBe('not(safety)');
    expect(r.score).toMatchObject({ pass: true, value: 1 });
    expect((await run({ type: 'not', evaluator: { type: 'f1' } }, 'x')).score).toMatchObject({
      value: null,
      pass: null,
    });
    expect((await run({ type: 'not', evaluator: { type: 'test-throws' } }, 'x')).score.error).toBe('boom');
  });
});

describe('weighted', () => {
  it('averages by weight, renormalising over children that apply', async () => {
    const config = {
      type: 'weighted',
      threshold: 0.7,
      evaluators: [
        { type: 'f1', weight: 3 },
        { ...has('days'), weight: 1 },
      ],
    };
    const half = await run(config, 'within 30 days', { expected: '30 days' });
    // f1: precision 2/3, recall 1 → 0.8; (3 × 0.8 + 1 × 1) / 4 = 0.85.
    expect(half.score.value).toBeCloseTo(0.85, 12);
    expect(half.score.pass).toBe(true);
    expect(half.name).toBe('weighted(f1×3, has-days×1)');
    const noRef = await run(config, 'days');
    expect(noRef.score).toMatchObject({ value: 1, pass: true });
  });

  it('names the nested field of a bad config', async () => {
    await expect(
      createEvaluator({ type: 'weighted', evaluators: [{ type: 'f1', threshold: 2 }] }, ctx),
    ).rejects.toMatchObject({
      field: 'evaluators[0].threshold',
    });
    await expect(createEvaluator({ type: 'all', evaluators: [{ type: 'nope' }] }, ctx)).rejects.toMatchObject(
      {
        code: 'evaluator.unknown',
        field: 'evaluators[0].type',
      },
    );
    await expect(
      createEvaluator({ type: 'weighted', evaluators: [{ type: 'f1', weight: -1 }] }, ctx),
    ).rejects.toThrow();
  });

  it('leaves a weight-0 child out of the mean, and counts a scoreAs: pass child as 1 or 0', async () => {
    const config = {
      type: 'weighted',
      threshold: 0.5,
      evaluators: [
        // Passes (distance 1 ≤ 2) with a similarity of 0.8 as its value: counted as 1.
        { type: 'levenshtein', value: 'abcde', maxDistance: 2, scoreAs: 'pass' },
        { ...has('zzz'), weight: 0 },
        { ...has('nope'), weight: 1 },
      ],
    };
    const r = await run(config, 'abcdX');
    expect(r.score.value).toBeCloseTo(0.5, 12);
    expect(r.score.pass).toBe(true);
  });
});
