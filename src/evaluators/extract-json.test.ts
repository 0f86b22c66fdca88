import { describe, expect, it } from 'vitest';
import { extractJson } from './extract-json.js';

describe('extractJson', () => {
  it('takes the whole text when it is JSON', () => {
    expect(extractJson(' {"a": 1} ')).toEqual({ ok: true, value: { a: 1 }, source: 'whole' });
    expect(extractJson('[1, 2]')).toEqual({ ok: true, value: [1, 2], source: 'whole' });
  });

  it('finds a fenced block, with or without a language', () => {
    expect(extractJson('Here:\n```json\n{"a": [1]}\n```\nDone.')).toEqual({
      ok: true,
      value: { a: [1] },
      source: 'fence',
    });
    expect(extractJson('```\n{"b": 2}\n```')).toMatchObject({ ok: true, value: { b: 2 }, source: 'fence' });
  });

  it('a fenced block that is not JSON is an error, not a fallback to some other brace', () => {
    const r = extractJson('```json\n{a: 1}\n```\n{"b": 2}');
    expect(r.ok).toBe(false);
  });

  it('finds the first balanced object in prose, skipping braces inside strings', () => {
    expect(extractJson('The answer is {"text": "a } inside", "n": 1}. Hope it helps {x}')).toEqual({
      ok: true,
      value: { text: 'a } inside', n: 1 },
      source: 'embedded',
    });
  });

  it('says why when there is no JSON', () => {
    const r = extractJson('no json here');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/JSON/);
    expect(extractJson('{"unclosed": 1').ok).toBe(false);
  });
});
