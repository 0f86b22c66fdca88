// Layer-1 tests of the support bot in support-app.ts, written with assay/testing. In your own
// project, import from 'assay/testing'; this file imports from the source so it runs in the repo.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/datasets/load.js';
import { localModel } from '../../src/embeddings/local.js';
import { assayMatchers, assertParser, assertTemplate, assertTool } from '../../src/testing/index.js';
import { ANSWER_PROMPT, lookupOrder, parseAnswer } from './support-app.js';

expect.extend(assayMatchers);

const DOCS = [
  {
    id: 'refund-policy',
    text: 'Refunds are available within 30 days of purchase with the original receipt.',
  },
  { id: 'shipping-std', text: 'Standard shipping takes 3 to 5 business days.' },
];

describe('the prompt template', () => {
  it('renders for every golden question and for edge inputs, under 2,000 characters', async () => {
    const golden = fileURLToPath(new URL('../quickstart/golden.jsonl', import.meta.url));
    // The quick start's rows have no documents: give each row the same two.
    const rows = (await loadDataset(golden)).cases.map((c) => ({ ...c.vars, documents: DOCS }));
    const report = await assertTemplate(ANSWER_PROMPT, { rows, maxChars: 2000 });
    expect(report.variables).toEqual(['documents', 'question']);
  });
});

describe('the reply parser', () => {
  it('accepts what the model should send and rejects what it sometimes sends instead', async () => {
    await assertParser(parseAnswer, {
      valid: [
        {
          input: '{"answer": "Within 30 days.", "sources": ["refund-policy"], "confidence": 0.9}',
          expected: { answer: 'Within 30 days.', sources: ['refund-policy'], confidence: 0.9 },
        },
        '```json\n{"answer": "3 to 5 business days.", "sources": ["shipping-std"], "confidence": 1}\n```',
      ],
      malformed: [
        '',
        'Refunds are available within 30 days.',
        '{"answer": "Within 30 days."}',
        '{"answer": "", "sources": [], "confidence": 0.5}',
        '{"answer": "Yes", "sources": "refund-policy", "confidence": 0.5}',
        '{"answer": "Yes", "sources": [], "confidence": "high"}',
        '{"answer": "Yes", "sources": [], "confidence": 7}',
        '```json\n{"answer": "Yes", "sources": [\n```',
      ],
    });
  });
});

describe('the lookup_order tool', () => {
  it('keeps its contract: known orders, errors as errors, a hung backend cut at the timeout', async () => {
    const report = await assertTool(lookupOrder, {
      timeoutMs: 1000,
      cases: [
        {
          input: { orderId: 'A-1001' },
          expected: { orderId: 'A-1001', status: 'shipped', eta: '2025-06-03' },
        },
        { input: { orderId: 'A-1002' }, expected: { orderId: 'A-1002', status: 'delivered' } },
        { input: { orderId: 'A-9999' }, expectError: 'not found' },
        { input: { orderId: "1'; DROP TABLE orders" }, expectError: /invalid order id/ },
        { name: 'hung backend', input: { orderId: 'SLOW-0001' }, expectTimeout: true, timeoutMs: 100 },
      ],
    });
    expect(report.results.at(-1)).toMatchObject({ outcome: 'timed-out', abandoned: true });
  });
});

describe('replies, scored by Assay evaluators', () => {
  const schema = {
    type: 'object',
    required: ['answer', 'sources', 'confidence'],
    properties: {
      answer: { type: 'string', minLength: 1 },
      sources: { type: 'array', items: { type: 'string' } },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
    },
  };
  const reply =
    '{"answer": "You can get a refund within 30 days if you keep the receipt.", "sources": ["refund-policy"], "confidence": 0.8}';

  it('match the reply schema and cite a document', async () => {
    await expect(reply).toPass({ type: 'json-schema', schema });
    await expect(reply).toPass({ type: 'contains', value: 'refund-policy' });
    await expect('{"answer": 42}').not.toPass({ type: 'json-schema', schema });
  });

  // `similar` with the built-in embedder loads its word vectors once per process (~50 ms).
  beforeAll(() => localModel());

  it('say what the reference says, in other words', async () => {
    const answer = parseAnswer(reply).answer;
    await expect(answer).toPass(
      { type: 'similar', threshold: 0.6 },
      { expected: 'Refunds are possible for 30 days with the receipt.' },
    );
    await expect('Standard shipping takes 3 to 5 business days.').not.toPass(
      { type: 'similar', threshold: 0.6 },
      { expected: 'Refunds are possible for 30 days with the receipt.' },
    );
  });
});
