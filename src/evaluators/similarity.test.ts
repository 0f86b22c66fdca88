import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../test/fake-openai-server.js';
import type { Case } from '../core/case.js';
import type { Score } from '../core/score.js';
import { localModel } from '../embeddings/local.js';
import { createEmbeddingService } from '../embeddings/service.js';
import type { EvaluatorContext } from './factory.js';
import { createEvaluator } from './registry.js';

const ctx: EvaluatorContext = { baseDir: '.', loadModule: async () => ({}) };
const kase = (expected: unknown, vars: Record<string, unknown> = {}): Case => ({
  id: 'c1',
  vars,
  expected,
  tags: {},
});
const score = async (config: Record<string, unknown>, output: string, c: Case, context = ctx) => {
  const e = await createEvaluator({ type: 'similar', ...config }, context);
  return (await e.evaluate({ case: c, output: { text: output, latencyMs: 1 }, target: 't' })) as Score;
};

describe('similar with the local embedder', () => {
  beforeAll(async () => {
    await localModel();
  });

  it('passes a reworded answer and fails an off-topic one', async () => {
    const c = kase('You can reset your password from the login page.');
    const good = await score({}, 'Use the login page to reset your password.', c);
    expect(good.pass).toBe(true);
    expect(good.value).toBeGreaterThan(0.6);
    expect(good.reason).toMatch(/^similarity 0\.\d{3} ≥ 0\.6$/);
    expect(good.details).toMatchObject({ embedder: 'local:glove-100d-60k-sif@2' });

    const bad = await score({}, 'Our stores open at nine and close at six.', c);
    expect(bad.pass).toBe(false);
    expect(bad.value).toBeLessThan(0.3);
    expect(bad.reason).toMatch(/< 0\.6$/);
  });

  it('takes the closest of several references, and names it', async () => {
    const s = await score(
      { value: ['The toaster has four slots.', '{{ alt }}'], threshold: 0.5 },
      'Standard delivery takes three to five working days.',
      kase(undefined, { alt: 'Standard shipping takes three to five business days.' }),
    );
    expect(s.pass).toBe(true);
    expect(s.details).toMatchObject({ reference: 1 });
    expect((s.details!.similarities as number[])[1]).toBeGreaterThan(
      (s.details!.similarities as number[])[0]!,
    );
    expect(s.reason).toMatch(/closest of 2: "Standard shipping/);
  });

  it('scores an empty output 0 and a missing reference as not computable (null)', async () => {
    const empty = await score({}, '   ', kase('Anything at all.'));
    expect(empty).toMatchObject({ value: 0, pass: false, reason: 'empty output' });
    const noRef = await score({}, 'An answer.', kase(undefined));
    expect(noRef).toMatchObject({ value: null, pass: null, error: 'no reference text to compare with' });
  });

  it('does not pretend to compare texts it has no words for', async () => {
    const digitsRef = await score({}, 'It costs fifteen dollars.', kase('15 $'));
    expect(digitsRef.value).toBeNull();
    expect(digitsRef.error).toMatch(/knows no word of the reference "15 \$"/);
    const digitsOut = await score({}, '15', kase('It costs fifteen dollars.'));
    expect(digitsOut).toMatchObject({ value: 0, pass: false });
    expect(digitsOut.reason).toMatch(/knows no word of the output/);
  });

  it('clamps negative similarity to 0', async () => {
    const s = await score(
      { threshold: 0 },
      'The volcano erupted centuries ago.',
      kase('Please send the invoice by email.'),
    );
    expect(s.value).toBeGreaterThanOrEqual(0);
    expect(s.value).toBeLessThanOrEqual(1);
    expect(s.details!.similarity as number).toBeLessThan(0.3);
  });

  it('rejects bad options, naming the field', async () => {
    await expect(createEvaluator({ type: 'similar', threshold: 2 }, ctx)).rejects.toMatchObject({
      code: 'evaluator.invalid',
      field: 'threshold',
    });
    await expect(createEvaluator({ type: 'similar', embedder: 'glove' }, ctx)).rejects.toMatchObject({
      code: 'evaluator.invalid',
      field: 'embedder',
    });
    await expect(createEvaluator({ type: 'similar', embedder: 'anthropic:claude' }, ctx)).rejects.toThrow(
      /no embeddings API/,
    );
  });
});

describe('similar with an OpenAI-compatible /v1/embeddings server', () => {
  let server: FakeOpenAI;
  beforeAll(async () => {
    server = await startFakeOpenAI();
  });
  afterAll(() => server.close());

  it('embeds through the server, per evaluator or from the suite default, and caches vectors', async () => {
    const embedder = { provider: 'openai:text-embedding-fake', baseURL: server.baseURL, apiKey: 'sk-test' };
    // The fake embeds bags of words: sharing most words is close, sharing none is orthogonal.
    const same = await score(
      { embedder },
      'refund within thirty days',
      kase('refund within thirty days please'),
    );
    expect(same.pass).toBe(true);
    expect(same.details).toMatchObject({ embedder: `openai:text-embedding-fake@${server.baseURL}` });
    expect(server.stats.embeddings).toBe(1);
    const headers = server.requests.find((r) => r.path === '/v1/embeddings')!.headers;
    expect(headers.authorization).toBe('Bearer sk-test');

    server.reset();
    const service = createEmbeddingService({ defaultSpec: embedder });
    const withService: EvaluatorContext = { ...ctx, embeddings: service };
    const e = await createEvaluator({ type: 'similar' }, withService);
    const c = kase('kettle boils in three minutes');
    const outputs = [
      'kettle boils in three minutes',
      'toaster has four slots',
      'kettle boils in three minutes',
    ];
    const scores = (await Promise.all(
      outputs.map((text) => e.evaluate({ case: c, output: { text, latencyMs: 1 }, target: 't' })),
    )) as Score[];
    expect(scores.map((s) => s.pass)).toEqual([true, false, true]);
    expect(scores[0]!.value).toBeCloseTo(1, 5);
    // Three evaluations at once: one request, each distinct text once.
    expect(server.stats.embeddings).toBe(1);
    const body = server.requests[0]!.body as { input: string[] };
    expect(body.input.sort()).toEqual(['kettle boils in three minutes', 'toaster has four slots']);
    await e.evaluate({ case: c, output: { text: 'toaster has four slots', latencyMs: 1 }, target: 't' });
    expect(server.stats.embeddings).toBe(1);
  });

  it('turns a server failure into an error the runner records as an error score', async () => {
    const e = await createEvaluator(
      {
        type: 'similar',
        embedder: { provider: 'openai:m', baseURL: 'http://127.0.0.1:9/v1', timeoutMs: 2000 },
      },
      ctx,
    );
    await expect(
      e.evaluate({
        case: kase('some reference'),
        output: { text: 'some output', latencyMs: 1 },
        target: 't',
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^provider\./) });
  });
});
