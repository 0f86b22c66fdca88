import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';
import { assertParser } from './parser-check.js';
import { assertTemplate } from './template-check.js';
import { assertTool } from './tool-check.js';

// Deliberately broken pieces of an app, and the messages a user sees when the toolkit catches them.

/** Broken: a placeholder copied from a LangChain prompt, a misspelt variable, no length guard. */
const BROKEN_PROMPT = `You answer questions about Acme orders.
Customer: {customer_name}
Question: {{ question }}
Order: {{ order_id }}`;

/** Broken: takes the first number anywhere, so garbage still "parses". */
function brokenScoreParser(text: string): { score: number } {
  const m = /-?\d+(\.\d+)?/.exec(text);
  if (!m) throw new Error('no score');
  return { score: Number(m[0]) };
}

/** Broken: returns an error as a value, and hangs for a slow backend. */
async function brokenStockTool(input: { sku: string }): Promise<unknown> {
  if (input.sku === 'SLOW') return new Promise(() => {});
  if (input.sku === '') return { error: 'sku required' };
  return { sku: input.sku, inStock: input.sku.startsWith('K') ? 3 : 0 };
}

const message = async (p: Promise<unknown>) => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AssertionError);
  return (error as Error).message;
};

describe('what a user sees when the toolkit catches a broken piece', () => {
  it('template: the leftover placeholder, the undefined variable, the size limit', async () => {
    const text = await message(
      assertTemplate(BROKEN_PROMPT, {
        rows: [
          { id: 'q1', question: 'Where is my order?', order: 'A1' },
          { id: 'q2', question: 'Can I return it?', order_id: 'B7' },
        ],
        maxChars: 2000,
        longLength: 3000,
      }),
    );
    expect(text).toBe(
      [
        'template check failed: 4 problems in 16 renders',
        '  ✘ row 1: undefined variable "order_id" (line 4, column 8)',
        '  ✘ row 2: unrendered "{customer_name}" left in the output: …t Acme orders.\\nCustomer: {customer_name}\\nQuestion: Can I return i…',
        '  ✘ edge question=long (3000 chars): 3099 characters, over the limit of 2000',
        '  ✘ edge order_id=long (3000 chars): 3102 characters, over the limit of 2000',
      ].join('\n'),
    );
  });

  it('parser: the valid sample it got wrong and the malformed ones it let through', async () => {
    const text = await message(
      assertParser(brokenScoreParser, {
        valid: [
          { input: '{"score": 4}', expected: { score: 4 } },
          { input: 'Score: 3 out of 5', expected: { score: 3 } },
          { input: 'Rated 2/5 (it failed 1 test)', expected: { score: 2 } },
        ],
        malformed: ['no verdict', 'Score: high', 'The 3 reviewers could not agree'],
      }),
    );
    expect(text).toBe(
      [
        'parser check failed:',
        '  malformed samples not detected (1 of 3):',
        '    ✘ malformed #3 "The 3 reviewers could not agree": not detected: returned {"score":3} instead of throwing or a failure value',
      ].join('\n'),
    );
  });

  it('tool: the error returned as a value and the hang cut at the timeout', async () => {
    const text = await message(
      assertTool(brokenStockTool, {
        timeoutMs: 40,
        cases: [
          { name: 'in stock', input: { sku: 'K-100' }, expected: { sku: 'K-100', inStock: 3 } },
          { name: 'empty sku', input: { sku: '' }, expectError: /sku/ },
          { name: 'slow backend', input: { sku: 'SLOW' }, expected: { sku: 'SLOW', inStock: 0 } },
        ],
      }),
    );
    expect(text).toBe(
      [
        'tool check failed: 2 of 3 cases',
        '  ✘ empty sku: expected an error (an error matching /sku/), but returned {"error":"sku required"}',
        '  ✘ slow backend: timed out after 40 ms (the call was abandoned and its signal aborted)',
      ].join('\n'),
    );
  });
});
