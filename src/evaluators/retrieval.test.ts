import { describe, expect, it } from 'vitest';
import type { Case } from '../core/case.js';
import type { Context } from '../core/output.js';
import type { Score } from '../core/score.js';
import type { EvaluatorFactory } from './factory.js';
import { createEvaluator } from './registry.js';
import { mrr, ndcg, rankMetric, retrievalPrecision, retrievalRecall } from './retrieval.js';

const ctx = { baseDir: '.', loadModule: async () => ({}) };
const docs = (...ids: string[]): Context[] => ids.map((id) => ({ id, text: `text of ${id}` }));

async function run(
  factory: EvaluatorFactory,
  config: Record<string, unknown>,
  contexts: Context[] | undefined,
  c: Partial<Case> = {},
) {
  const e = await factory({ type: 'x', ...config }, ctx);
  return (await e.evaluate({
    case: { id: 'c', vars: {}, tags: {}, sources: ['a', 'c'], ...c },
    output: { text: '', latencyMs: 1, ...(contexts ? { contexts } : {}) },
    target: 't',
  })) as Score;
}

describe('rank metrics (binary relevance)', () => {
  const rel = [true, false, true, false, false];
  it('computes recall, precision, reciprocal rank and nDCG by their textbook definitions', () => {
    expect(rankMetric('retrieval-recall', rel, 2, 5)).toBe(1);
    expect(rankMetric('retrieval-recall', rel, 2, 2)).toBe(0.5);
    expect(rankMetric('retrieval-precision', rel, 2, 5)).toBe(0.4);
    expect(rankMetric('retrieval-precision', [true], 1, 5)).toBe(0.2);
    expect(rankMetric('mrr', [false, false, true], 1, 10)).toBeCloseTo(1 / 3, 12);
    expect(rankMetric('mrr', [false, false, true], 1, 2)).toBe(0);
    // DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3).
    expect(rankMetric('ndcg', rel, 2, 5)).toBeCloseTo(1.5 / (1 + 1 / Math.log2(3)), 12);
    expect(rankMetric('ndcg', [false, true], 1, 5)).toBeCloseTo(1 / Math.log2(3), 12);
    expect(rankMetric('ndcg', [true, true], 2, 5)).toBe(1);
  });
});

describe('retrieval evaluators', () => {
  it('score the case sources against the contexts', async () => {
    const contexts = docs('a', 'x', 'c', 'y');
    expect(await run(retrievalRecall, {}, contexts)).toMatchObject({
      value: 1,
      pass: true,
      evaluator: 'retrieval-recall@5',
    });
    const at2 = await run(retrievalRecall, { k: 2 }, contexts);
    expect(at2).toMatchObject({ value: 0.5, pass: false });
    expect(at2.reason).toBe('retrieval-recall@2 0.5: top 2 [a, x], missing c');
    expect(await run(retrievalPrecision, { k: 4 }, contexts)).toMatchObject({ value: 0.5, pass: true });
    expect(await run(mrr, {}, docs('x', 'c'))).toMatchObject({ value: 0.5, pass: true, evaluator: 'mrr' });
    expect((await run(ndcg, {}, contexts)).value).toBeCloseTo(
      (1 + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3)),
      12,
    );
  });

  it('credits a source retrieved twice once (chunks of one document)', async () => {
    const s = await run(retrievalPrecision, { k: 3 }, docs('a', 'a', 'a'));
    expect(s.value).toBeCloseTo(1 / 3, 12);
  });

  it('accepts sources as {id} objects, a template, and contexts matched by text', async () => {
    expect(
      (await run(retrievalRecall, {}, docs('a', 'c'), { sources: [{ id: 'a' }, { id: 'c', text: '…' }] }))
        .value,
    ).toBe(1);
    const templated = await run(retrievalRecall, { sources: '{{ gold }}' }, docs('z'), {
      vars: { gold: ['z'] },
    });
    expect(templated.value).toBe(1);
    const byText = await run(retrievalRecall, {}, [{ text: 'Refunds take 5 days.' }], {
      sources: ['Refunds take 5 days.'],
    });
    expect(byText.value).toBe(1);
  });

  it('is null without contexts or sources, and 0 when retrieval found nothing', async () => {
    const none = await run(retrievalRecall, {}, undefined);
    expect(none).toMatchObject({ value: null, pass: null, reason: 'the target returned no contexts' });
    expect(none.error).toBeUndefined();
    expect(await run(retrievalRecall, {}, docs('a'), { sources: [] })).toMatchObject({ value: null });
    expect(await run(ndcg, {}, docs('a'), { sources: undefined })).toMatchObject({ value: null });
    expect(await run(retrievalRecall, {}, [])).toMatchObject({ value: 0, pass: false });
    expect(
      (await run(retrievalRecall, { sources: '{{ gold }}' }, [], { vars: { gold: 'a' } })).error,
    ).toMatch(/list/);
  });

  it('reads k from the type through the registry', async () => {
    const e = await createEvaluator({ type: 'retrieval-recall@2' }, ctx);
    expect(e.name).toBe('retrieval-recall@2');
    expect((await createEvaluator({ type: 'ndcg@k', k: 3 }, ctx)).name).toBe('ndcg@3');
    expect((await createEvaluator({ type: 'mrr@10' }, ctx)).name).toBe('mrr@10');
    expect((await createEvaluator({ type: 'mrr' }, ctx)).name).toBe('mrr');
    await expect(createEvaluator({ type: 'retrieval-precision@3', k: 4 }, ctx)).rejects.toThrow(/k is 4/);
  });
});
