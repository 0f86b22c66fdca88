import { describe, expect, it } from 'vitest';
import { contextFaithfulness, countBacked } from './context-faithfulness.js';

const ctx = { baseDir: '.', loadModule: async () => ({}) };

describe("promptfoo's RAG graders", () => {
  it('read Yes/No verdicts as promptfoo does: the final list when there is one, a missing one as No', () => {
    expect(
      countBacked('1. a Verdict: Yes.\nFinal verdict for each statement in order: Yes. No. Yes.', 3),
    ).toBe(2);
    expect(countBacked('Final verdict for each statement in order: Yes.', 3)).toBe(1);
    expect(countBacked('1. Verdict: yes\n2. Verdict: no', 3)).toBe(1);
    expect(countBacked('Final verdict for each statement in order: maybe.', 2)).toBeUndefined();
    expect(countBacked('no verdicts here', 2)).toBeUndefined();
  });

  it('context-faithfulness mapped from promptfoo fails a case without a query variable', async () => {
    const e = await contextFaithfulness(
      { type: 'context-faithfulness', input: '{{ query }}', judge: 'openai:grader' },
      ctx,
    );
    await expect(
      e.evaluate({
        case: { id: 'c', vars: { context: 'hello' }, tags: {} },
        output: { text: 'hi', latencyMs: 1 },
        target: 't',
      }),
    ).rejects.toMatchObject({ code: 'template.render' });
  });
});
