import { describe, expect, it } from 'vitest';
import type { Case } from '../core/case.js';
import type { EvaluatorInput, Score } from '../core/score.js';
import type { EvaluatorContext, EvaluatorFactory } from './factory.js';
import { numeric } from './numeric.js';
import { parseNumbers } from './parse-numbers.js';
import { bleu, exactMatch, f1, levenshtein, rougeL, rougeN } from './reference.js';

const ctx: EvaluatorContext = { baseDir: '.', loadModule: async () => ({}) };

function input(text: string, c: Partial<Case> = {}): EvaluatorInput {
  return { case: { id: 'c1', vars: {}, tags: {}, ...c }, output: { text, latencyMs: 1 }, target: 't' };
}

async function score(factory: EvaluatorFactory, config: Record<string, unknown>, i: EvaluatorInput) {
  const e = await factory({ type: 'x', ...config }, ctx);
  return (await e.evaluate(i)) as Score;
}

describe('f1 and exact-match', () => {
  it('scores against the expected answer, best of several', async () => {
    const s = await score(f1, {}, input('the Broncos', { expected: ['Denver Broncos', 'Broncos'] }));
    expect(s.value).toBe(1);
    expect(s.pass).toBe(true);
    expect(s.details?.reference).toBe('Broncos');
    const partial = await score(f1, { threshold: 0.7 }, input('Broncos', { expected: 'Denver Broncos' }));
    expect(partial.value).toBeCloseTo(2 / 3, 12);
    expect(partial.pass).toBe(false);
    expect(partial.reason).toMatch(/F1 0\.667 \(precision 1, recall 0\.5\) against "Denver Broncos"/);
  });

  it('renders a templated value per case', async () => {
    const s = await score(
      exactMatch,
      { value: '{{ answer }}' },
      input('THE Eiffel Tower.', { vars: { answer: 'Eiffel tower' } }),
    );
    expect(s.pass).toBe(true);
    const no = await score(
      exactMatch,
      { value: '{{ answer }}' },
      input('Eiffel', { vars: { answer: 'Eiffel tower' } }),
    );
    expect(no).toMatchObject({ value: 0, pass: false });
  });

  it('is not applicable without a reference, and an error with an unreadable one', async () => {
    expect(await score(f1, {}, input('x'))).toMatchObject({ value: null, pass: null });
    expect((await score(f1, {}, input('x'))).error).toBeUndefined();
    expect((await score(f1, {}, input('x', { expected: { a: 1 } }))).error).toMatch(/must be text/);
  });

  it('handles empty outputs and unicode', async () => {
    expect((await score(f1, {}, input('', { expected: 'Paris' }))).value).toBe(0);
    expect((await score(exactMatch, {}, input('Ærøskøbing!', { expected: 'ærøskøbing' }))).pass).toBe(true);
  });

  it('rejects unknown options naming them', async () => {
    await expect(score(f1, { treshold: 0.5 }, input('x'))).rejects.toThrow(/unknown option\(s\): treshold/);
  });
});

describe('rouge-l, bleu, levenshtein', () => {
  it('rouge-l scores the LCS F-measure, or the chosen measure', async () => {
    const i = input('testing one', { expected: 'testing one two' });
    expect((await score(rougeL, {}, i)).value).toBeCloseTo(0.8, 12);
    expect((await score(rougeL, { measure: 'recall' }, i)).value).toBeCloseTo(2 / 3, 12);
    expect((await score(rougeL, { threshold: 0.9 }, i)).pass).toBe(false);
  });

  it('bleu uses all references together, as sacreBLEU', async () => {
    const s = await score(
      bleu,
      {},
      input('The dog bit the man.', { expected: ['The dog bit the man.', 'The dog had bit the man.'] }),
    );
    expect(s.value).toBe(1);
    expect(s.reason).toMatch(/^BLEU 100\.00/);
    const low = await score(bleu, {}, input('A cat.', { expected: 'The dog bit the man.' }));
    expect(low.pass).toBe(false);
    expect(low.value).toBeLessThan(0.3);
  });

  it('levenshtein passes on similarity or on maxDistance, case-insensitively when asked', async () => {
    const i = input('Sitting', { expected: 'kitten' });
    const s = await score(levenshtein, { ignoreCase: true }, i);
    expect(s.details).toMatchObject({ distance: 3 });
    expect(s.pass).toBe(false);
    expect((await score(levenshtein, { maxDistance: 3, ignoreCase: true }, i)).pass).toBe(true);
    expect((await score(levenshtein, { maxDistance: 2, ignoreCase: true }, i)).pass).toBe(false);
    // With several references the passing one is reported.
    const two = await score(
      levenshtein,
      { maxDistance: 1 },
      input('SKU-1234', { expected: ['SKU-9999', 'SKU-1235'] }),
    );
    expect(two).toMatchObject({ pass: true, details: { reference: 'SKU-1235', distance: 1 } });
  });
});

describe('numbers in text', () => {
  it('reads the forms people write', () => {
    const values = (t: string) => parseNumbers(t).map((n) => n.value);
    expect(values('Revenue rose 12% to $1,234.5m')).toEqual([12, 1234.5]);
    expect(values('-3 and −4.5, then +2')).toEqual([-3, -4.5, 2]);
    expect(values('1e3 or 2.5E-2 or .5')).toEqual([1000, 0.025, 0.5]);
    expect(values('items 1,2,3')).toEqual([1, 2, 3]);
    expect(values('COVID-19 in 2020-01-05')).toEqual([19, 2020, 1, 5]);
    expect(values('model v2, size A4, 5-3')).toEqual([5, 3]);
    expect(values('no numbers here, 日本')).toEqual([]);
    expect(parseNumbers('45 %')[0]).toMatchObject({ value: 45, percent: true });
  });

  it('numeric compares the picked number within tolerance', async () => {
    const worked = input('6 × 7 = 42, so the answer is 42.', { expected: 42 });
    expect((await score(numeric, {}, worked)).pass).toBe(true);
    expect((await score(numeric, { pick: 'first' }, worked)).pass).toBe(false);
    expect((await score(numeric, { pick: 'any' }, input('maybe 41 or 42', { expected: '42' }))).pass).toBe(
      true,
    );
    const approx = input('About 3.14159', { expected: 'pi is 3.1416' });
    expect((await score(numeric, {}, approx)).pass).toBe(false);
    expect((await score(numeric, { abs: 0.001 }, approx)).pass).toBe(true);
    expect((await score(numeric, { rel: 0.01 }, input('1,010', { expected: 1000 }))).pass).toBe(true);
    expect((await score(numeric, { rel: 0.01 }, input('1,011', { expected: 1000 }))).pass).toBe(false);
  });

  it('numeric: no number in the output fails; no expected is not applicable; bad expected is an error', async () => {
    expect(await score(numeric, {}, input('', { expected: 3 }))).toMatchObject({ value: 0, pass: false });
    expect(await score(numeric, {}, input('3'))).toMatchObject({ value: null, pass: null });
    expect((await score(numeric, {}, input('3', { expected: 'three' }))).error).toMatch(/no number/);
    expect((await score(numeric, { value: '{{ n }}' }, input('It is 7', { vars: { n: 7 } }))).pass).toBe(
      true,
    );
  });
});

describe('rouge-n', () => {
  it('is the n-gram overlap F-measure, n-grams counted with multiplicity', async () => {
    // Unigrams: 5 of 6 output tokens in the 6-token reference → P = R = F = 5/6.
    const one = await score(rougeN, { value: 'the cat sat on the mat' }, input('the cat sat on the rug'));
    expect(one.value).toBeCloseTo(5 / 6, 12);
    // Bigrams: "the cat", "cat sat", "sat on", "on the" shared of 5 each → 4/5.
    const two = await score(
      rougeN,
      { value: 'the cat sat on the mat', n: 2 },
      input('the cat sat on the rug'),
    );
    expect(two.value).toBeCloseTo(4 / 5, 12);
    const short = await score(rougeN, { value: 'a b', n: 3 }, input('a b c'));
    expect(short).toMatchObject({ value: 0, pass: false });
  });
});
