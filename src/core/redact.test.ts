// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR}s as the user writes them.
import { describe, expect, it } from 'vitest';
import { REDACTED, redactCredentials, redactSecrets } from './redact.js';

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
    const v = { a: 1, b: ['x'] };
    expect(redactSecrets(v, {})).toEqual(v);
  });

  it('also removes credentials that no ${VAR} filled in', () => {
    expect(redactSecrets({ url: 'https://h/x?api_key=literal123' })).toEqual({
      url: 'https://h/x?api_key=***',
    });
  });
});

describe('redactCredentials', () => {
  it.each([
    ['https://h/v1/chat?key=AIzaSyA-123&q=1', 'https://h/v1/chat?key=***&q=1'],
    ['http://h/x?q=1&token=abc.def', 'http://h/x?q=1&token=***'],
    ['http://h/x?api_key=k1&apiKey=k2&access_token=k3', 'http://h/x?api_key=***&apiKey=***&access_token=***'],
    ['https://b.blob/x?sv=2020&sig=a%2Bb%3D&se=1', 'https://b.blob/x?sv=2020&sig=***&se=1'],
    [
      'https://s3/x?X-Amz-Signature=abc&X-Amz-Credential=AK/1',
      'https://s3/x?X-Amz-Signature=***&X-Amz-Credential=***',
    ],
    ['http://h/login?user=bob&password=hunter22', 'http://h/login?user=bob&password=***'],
    ['postgres://alice:s3cret@db:5432/app', 'postgres://alice:***@db:5432/app'],
    ['cannot reach https://u:p%40ss@h/x: ECONNREFUSED', 'cannot reach https://u:***@h/x: ECONNREFUSED'],
    ['host=db user=a password=s3cret dbname=x', 'host=db user=a password=*** dbname=x'],
    ['sent Authorization: Bearer sk-abc_123', 'sent Authorization: Bearer ***'],
  ])('%s', (input, expected) => {
    expect(redactCredentials(input)).toBe(expected);
  });

  it('leaves ordinary text, placeholders and user-only URLs alone', () => {
    for (const text of [
      'app answered HTTP 500: internal error',
      'https://h/search?q=keyword&page=2',
      'postgres://alice@db/app',
      '--filter-tag expects key=value, got "x"',
      'https://h/x?key=${APP_KEY}',
      'https://h/x?key={{ key }}',
      'a = b, c=d',
    ])
      expect(redactCredentials(text)).toBe(text);
  });

  it('REDACTED is what a secret reads as', () => {
    expect(redactCredentials('?token=x')).toBe(`?token=${REDACTED}`);
  });
});
