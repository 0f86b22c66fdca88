// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR}s as the user writes them.
import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it('puts ${VAR} back wherever a filled-in value appears, however deep', () => {
    const out = redactSecrets(
      {
        judge: { apiKey: 'sk-abcdef123456', url: 'https://h/x?key=sk-abcdef123456' },
        list: ['sk-abcdef123456'],
        n: 3,
      },
      { JUDGE_KEY: 'sk-abcdef123456' },
    );
    expect(out).toEqual({
      judge: { apiKey: '${JUDGE_KEY}', url: 'https://h/x?key=${JUDGE_KEY}' },
      list: ['${JUDGE_KEY}'],
      n: 3,
    });
  });

  it('short values are left alone unless the name says secret', () => {
    expect(redactSecrets({ a: 'gpt-4.1', b: 'pw12' }, { V: '1', DB_PASS: 'pw12' })).toEqual({
      a: 'gpt-4.1',
      b: '${DB_PASS}',
    });
  });

  it('no secrets, same value', () => {
    const v = { a: 1 };
    expect(redactSecrets(v, {})).toBe(v);
  });
});
