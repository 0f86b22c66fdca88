import { describe, expect, it } from 'vitest';
import { escapeJsonForHtml } from './escape-json.js';
import { HtmlDataBuilder } from './report-data.js';

describe('escapeJsonForHtml', () => {
  it('leaves nothing that can close the script element or open markup, and parses back to the same value', () => {
    const value = { text: '</script><script>alert(1)</script><!-- & \u2028\u2029 end', n: [1, 2] };
    const escaped = escapeJsonForHtml(JSON.stringify(value));
    expect(escaped).not.toMatch(/[<>&\u2028\u2029]/);
    expect(escaped).toContain('\\u003c/script\\u003e');
    expect(JSON.parse(escaped)).toEqual(value);
  });
});

describe('HtmlDataBuilder', () => {
  it('stores repeated long texts once and rows as compact JSON', () => {
    const data = new HtmlDataBuilder();
    const prompt = [
      { role: 'system', content: 'A long system prompt that every row repeats.' },
      { role: 'user', content: 'q1' },
    ];
    for (const target of ['a', 'b'])
      data.add(
        {
          runId: 'r',
          caseId: 'c1',
          target,
          repeat: 0,
          tags: { type: 'x' },
          output: { text: 'out', latencyMs: 12.345, prompt, contexts: [{ id: 'kb', text: 'doc' }] },
          pass: false,
          scores: [
            { evaluator: 'judge', value: 0.5, pass: false, reason: 'meh', details: { reasoning: 'because' } },
          ],
          latencyMs: 12.345,
        },
        { id: 'c1', vars: { question: 'q1' }, expected: { answer: 42 }, tags: {} },
        undefined,
      );
    expect(data.strings).toEqual([
      'A long system prompt that every row repeats.',
      'q1',
      'doc',
      '{\n  "answer": 42\n}',
    ]);
    expect(data.targets).toEqual(['a', 'b']);
    expect(JSON.parse(data.rows[1]!)).toEqual({
      i: 'c1',
      t: 1,
      g: { type: 'x' },
      s: 1,
      l: 12.3,
      o: 'out',
      p: [
        ['system', 0],
        ['user', 1],
      ],
      k: [['kb', 2]],
      u: 1,
      x: 3,
      v: [[0, 0.5, 0, 'meh', null, 'because']],
    });
  });
});
