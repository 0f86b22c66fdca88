import { describe, expect, it } from 'vitest';
import { bleuFromStats, bleuStats, corpusBleu, sentenceBleu } from './bleu-score.js';
import { tokenize13a, whitespaceTokens } from './tokenize.js';

// Expected values are sacreBLEU's own, from its test suite (github.com/mjpost/sacrebleu,
// test/test_sentence_bleu.py and test/test_bleu.py) and its README; sacreBLEU reports 0..100.

describe('sentence BLEU against sacreBLEU test/test_sentence_bleu.py', () => {
  // The example of sacreBLEU issue #98: cedilla ţ in the reference, comma-below ț in the hypothesis.
  const REF = 'producţia de zahăr brut se exprimă în zahăr alb;';
  const SYS = 'Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;';
  const cases = [
    ['exp', undefined, '13a', 8.493],
    ['none', undefined, '13a', 0.0],
    ['floor', undefined, '13a', 4.51688],
    ['floor', 0.1, '13a', 4.51688],
    ['floor', 0.5, '13a', 10.1],
    ['add-k', undefined, '13a', 14.882],
    ['add-k', 1, '13a', 14.882],
    ['add-k', 2, '13a', 21.389],
    ['exp', undefined, 'none', 7.347],
  ] as const;
  it.each(cases)('smoothing %s (%s), tokenize %s → %d', (smoothing, smoothValue, tokenize, expected) => {
    const b = sentenceBleu(SYS, [REF], {
      smoothing,
      tokenize,
      ...(smoothValue === undefined ? {} : { smoothValue }),
    });
    // The published values are rounded; sacreBLEU's own tolerance is 1e-3 on 0..100.
    expect(Math.abs(100 * b.score - expected)).toBeLessThan(1e-2);
  });

  it('scores 0 when no unigram matches, whatever the smoothing (#141)', () => {
    for (const smoothing of ['exp', 'none', 'floor', 'add-k'] as const) {
      expect(sentenceBleu('this is a cat', ['okay thanks'], { smoothing }).score).toBe(0);
    }
  });
});

describe('corpus BLEU against sacreBLEU test/test_bleu.py', () => {
  // README example: two reference streams, transposed here to references per segment.
  const hyps = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
  const refs = [
    ['The dog bit the man.', 'The dog had bit the man.'],
    ['It was not unexpected.', 'No one was surprised.'],
    ['The man bit him first.', 'The man had bitten the dog.'],
  ];
  it('reproduces the README score 48.530827 and its variants', () => {
    expect(100 * corpusBleu(hyps, refs).score).toBeCloseTo(48.530827, 5);
    expect(100 * corpusBleu(hyps, refs, { smoothing: 'none' }).score).toBeCloseTo(48.530827, 5);
    expect(100 * corpusBleu(hyps, refs, { tokenize: 'none' }).score).toBeCloseTo(49.1919566, 5);
    expect(corpusBleu(['', '', ''], refs).score).toBe(0);
  });

  it('counts clipped n-gram matches as sacreBLEU does', () => {
    const stats = bleuStats(whitespaceTokens('am I am a character sequence'), [
      whitespaceTokens('I am a symbol string sequence a a'),
    ]);
    expect(stats.correct).toEqual([4, 2, 1, 0]);
    expect(stats.total).toEqual([6, 5, 4, 3]);
    // raw_corpus_bleu: floor smoothing, no tokenisation; 0.1 is the floor default.
    const floor = (h: string, r: string, smoothValue: number) =>
      corpusBleu([h], [[r]], { smoothing: 'floor', smoothValue, tokenize: 'none', effectiveOrder: true })
        .score;
    expect(floor('am I am a character sequence', 'I am a symbol string sequence a a', 0.1)).toBeCloseTo(
      0.1555722182,
      8,
    );
    expect(floor('am I am a character sequence', 'I am a symbol string sequence a a', 0)).toBe(0);
    expect(floor('test', 'a test', 0.01)).toBeCloseTo(0.3678794411714425, 10);
    expect(floor('a test', 'a test', 0.01)).toBe(1);
    expect(floor('a little test', 'a test', 0.01)).toBeCloseTo(0.03218297948685433, 10);
    expect(floor('this is a fest', 'this is a test', 0.01)).toBeCloseTo(0.223606797749979, 10);
  });

  it('computes the score from statistics (test_scoring: 0.8375922397)', () => {
    const b = bleuFromStats(
      { correct: [9, 7, 5, 3], total: [10, 8, 6, 4], sysLen: 11, refLen: 11 },
      { smoothing: 'none' },
    );
    expect(b.score).toBeCloseTo(0.8375922397, 9);
  });
});

describe('13a tokenisation', () => {
  it('splits punctuation, keeps decimals and thousands together', () => {
    expect(tokenize13a('Hello, world! It costs $1,234.50 (net).')).toEqual([
      'Hello',
      ',',
      'world',
      '!',
      'It',
      'costs',
      '$',
      '1,234.50',
      '(',
      'net',
      ')',
      '.',
    ]);
    expect(tokenize13a('pages 3-4 &amp; more')).toEqual(['pages', '3', '-', '4', '&', 'more']);
  });

  it('handles empty and unicode text', () => {
    expect(tokenize13a('')).toEqual([]);
    expect(tokenize13a('日本語のテキスト。')).toEqual(['日本語のテキスト。']);
    expect(sentenceBleu('', ['a reference']).score).toBe(0);
    expect(sentenceBleu('same words here', ['same words here']).score).toBe(1);
  });

  it('uses the closest reference length for the brevity penalty', () => {
    const b = sentenceBleu('the cat sat', ['the cat sat', 'the cat sat on the mat today']);
    expect(b.refLen).toBe(3);
    expect(b.brevityPenalty).toBe(1);
    expect(b.score).toBe(1);
  });
});
