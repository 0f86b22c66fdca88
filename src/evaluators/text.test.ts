import { describe, expect, it } from 'vitest';
import type { Case } from '../core/case.js';
import type { EvaluatorInput, Score } from '../core/score.js';
import type { EvaluatorContext, EvaluatorFactory } from './factory.js';
import { createEvaluator } from './registry.js';
import { contains, equals, icontains, notContains, regex, startsWith } from './text.js';

const ctx: EvaluatorContext = { baseDir: '.', loadModule: async () => ({}) };

function input(text: string, c: Partial<Case> = {}): EvaluatorInput {
  return { case: { id: 'c1', vars: {}, tags: {}, ...c }, output: { text, latencyMs: 1 }, target: 't' };
}

async function score(factory: EvaluatorFactory, config: Record<string, unknown>, i: EvaluatorInput) {
  const e = await factory({ type: 'x', ...config }, ctx);
  return (await e.evaluate(i)) as Score;
}

describe('equals', () => {
  it('compares trimmed text, any of a list, optionally ignoring case', async () => {
    expect((await score(equals, { value: 'Paris' }, input('  Paris\n'))).pass).toBe(true);
    expect((await score(equals, { value: 'Paris' }, input('paris'))).pass).toBe(false);
    expect((await score(equals, { value: 'Paris', ignoreCase: true }, input('paris'))).pass).toBe(true);
    expect((await score(equals, { value: ['Rome', 'Paris'] }, input('Paris'))).pass).toBe(true);
    expect((await score(equals, { value: 'Paris', trim: false }, input('Paris '))).pass).toBe(false);
  });

  it('renders the value from the case, and says what it expected', async () => {
    const s = await score(equals, { value: '{{ expected }}' }, input('4', { expected: '5' }));
    expect(s).toEqual({ evaluator: 'equals', value: 0, pass: false, reason: 'expected "5", got "4"' });
    const n = await score(equals, { value: '{{ expected }}' }, input('42', { expected: 42 }));
    expect(n.pass).toBe(true);
  });

  it('is named by its type unless given a name', async () => {
    expect((await createEvaluator({ type: 'equals', value: 'a' }, ctx)).name).toBe('equals');
    expect((await createEvaluator({ type: 'equals', value: 'a', name: 'label' }, ctx)).name).toBe('label');
  });
});

describe('contains, icontains, not-contains', () => {
  it('contains needs every value by default, any with mode: any', async () => {
    expect((await score(contains, { value: ['a', 'b'] }, input('a and b'))).pass).toBe(true);
    const missing = await score(contains, { value: ['a', 'z'] }, input('a and b'));
    expect(missing.pass).toBe(false);
    expect(missing.reason).toBe('missing "z"');
    expect((await score(contains, { value: ['a', 'z'], mode: 'any' }, input('a and b'))).pass).toBe(true);
  });

  it('contains is case-sensitive, icontains is not', async () => {
    expect((await score(contains, { value: 'PARIS' }, input('Paris'))).pass).toBe(false);
    expect((await score(icontains, { value: 'PARIS' }, input('it is paris.'))).pass).toBe(true);
  });

  it('not-contains fails when any value appears, and names it', async () => {
    const s = await score(notContains, { value: ['system prompt', 'api key'] }, input('my API key is…'));
    expect(s.pass).toBe(true);
    const bad = await score(
      notContains,
      { value: ['system prompt', 'api key'], ignoreCase: true },
      input('my API key'),
    );
    expect(bad.pass).toBe(false);
    expect(bad.reason).toBe('contains "api key"');
  });

  it('values are templates of the case', async () => {
    const s = await score(
      icontains,
      { value: '{{ expected }}' },
      input('The answer is PARIS', { expected: 'Paris' }),
    );
    expect(s.pass).toBe(true);
  });

  it('refuses unknown options, naming them', async () => {
    await expect(async () =>
      contains({ type: 'contains', value: 'a', caseSensitive: true }, ctx),
    ).rejects.toThrow(/unknown option\(s\): caseSensitive/);
  });
});

describe('starts-with and regex', () => {
  it('starts-with ignores leading whitespace', async () => {
    expect((await score(startsWith, { value: 'Yes' }, input('  Yes, because'))).pass).toBe(true);
    expect((await score(startsWith, { value: 'yes' }, input('Yes'))).pass).toBe(false);
    expect((await score(startsWith, { value: 'yes', ignoreCase: true }, input('Yes'))).pass).toBe(true);
  });

  it('regex matches with flags and reports the match', async () => {
    const s = await score(regex, { value: '\\b\\d{4}-\\d{2}-\\d{2}\\b' }, input('due 2025-01-31.'));
    expect(s.pass).toBe(true);
    expect(s.reason).toBe('matched "2025-01-31"');
    expect((await score(regex, { value: '^yes$', flags: 'i' }, input('YES'))).pass).toBe(true);
    expect((await score(regex, { value: '^yes$' }, input('YES'))).reason).toBe('no match for /^yes$/');
  });

  it('a regex may be a template of the case', async () => {
    const s = await score(
      regex,
      { value: 'order #{{ order }}' },
      input('see order #123', { vars: { order: 123 } }),
    );
    expect(s.pass).toBe(true);
  });

  it('an invalid pattern fails when the suite is built, not per case', async () => {
    await expect(async () => regex({ type: 'regex', value: '(' }, ctx)).rejects.toThrow(
      /Invalid regular expression/,
    );
    await expect(async () => regex({ type: 'regex', value: 'a', flags: 'q' }, ctx)).rejects.toThrow();
  });
});
