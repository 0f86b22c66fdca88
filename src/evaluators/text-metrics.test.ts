import { describe, expect, it } from 'vitest';
import { normalizeAnswer, squadTokens } from './normalize-squad.js';
import { lcsLength, levenshtein, levenshteinSimilarity, rougeL, tokenF1 } from './text-metrics.js';
import { rougeTokens } from './tokenize.js';

describe('SQuAD v1.1 normalisation (normalize_answer of evaluate-v1.1.py)', () => {
  it('lower-cases, drops punctuation and articles, collapses whitespace', () => {
    expect(normalizeAnswer('The  Denver Broncos!')).toBe('denver broncos');
    expect(normalizeAnswer('an apple a day, THE end.')).toBe('apple day end');
    expect(normalizeAnswer("Saint-Denis's")).toBe('saintdeniss');
    expect(normalizeAnswer('')).toBe('');
    expect(normalizeAnswer('   \n\t ')).toBe('');
  });

  it('removes articles only as whole words, also next to non-ASCII letters (Python \\b is Unicode-aware)', () => {
    expect(normalizeAnswer('theater anathema')).toBe('theater anathema');
    expect(normalizeAnswer('aé the élan')).toBe('aé élan');
    // Punctuation goes first, so "the-end" becomes one word and keeps its "the".
    expect(normalizeAnswer('the-end')).toBe('theend');
    // Only ASCII punctuation is removed, like Python's string.punctuation.
    expect(normalizeAnswer('« Paris » — l’été')).toBe('« paris » — l’été');
  });
});

describe('token F1 (SQuAD f1_score)', () => {
  it('counts common tokens with multiplicity', () => {
    expect(tokenF1(squadTokens('Denver Broncos'), squadTokens('the Denver Broncos')).f1).toBe(1);
    const partial = tokenF1(squadTokens('Broncos'), squadTokens('Denver Broncos'));
    expect(partial).toEqual({ precision: 1, recall: 0.5, f1: 2 / 3 });
    // "the the cat" → [cat]; "cat cat" has one more cat than the reference can match.
    expect(tokenF1(['cat', 'cat'], ['cat']).f1).toBeCloseTo(2 / 3, 12);
    expect(tokenF1(['x'], ['y']).f1).toBe(0);
  });

  it('treats empty answers: both empty agree, one empty scores 0', () => {
    expect(tokenF1([], []).f1).toBe(1);
    expect(tokenF1([], ['a']).f1).toBe(0);
    expect(tokenF1(['a'], []).f1).toBe(0);
  });
});

describe('ROUGE-L against rouge-score (google-research/rouge, rouge_scorer_test.py)', () => {
  const score = (target: string, prediction: string) => rougeL(rougeTokens(prediction), rougeTokens(target));

  it('matches testRougeLConsecutive and testRougeLNonConsecutive', () => {
    for (const prediction of ['testing one', 'testing two']) {
      const s = score('testing one two', prediction);
      expect(s.precision).toBeCloseTo(1, 12);
      expect(s.recall).toBeCloseTo(2 / 3, 12);
      expect(s.f1).toBeCloseTo(4 / 5, 12);
    }
    expect(score('testing one two', '').f1).toBe(0);
  });

  it('matches the ROUGE-1.5.5 ground truth of testRougeLAgainstRouge155', () => {
    // rouge/testdata/target.txt and prediction.txt, lines 1 and 2.
    const targets = [
      "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L",
      "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN",
    ];
    const predictions = [
      "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi",
      "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD",
    ];
    const expected = [
      [0.40741, 0.6875, 0.51163],
      [0.40476, 0.65385, 0.5],
    ];
    targets.forEach((t, i) => {
      const s = score(t, predictions[i]!);
      expect(s.recall).toBeCloseTo(expected[i]![0]!, 5);
      expect(s.precision).toBeCloseTo(expected[i]![1]!, 5);
      expect(s.f1).toBeCloseTo(expected[i]![2]!, 5);
    });
  });

  it('tokenises like rouge-score on ASCII and keeps other scripts with the unicode charset', () => {
    expect(rougeTokens("It's 3:45 PM—on time.")).toEqual(['it', 's', '3', '45', 'pm', 'on', 'time']);
    expect(rougeTokens('Größe über Öl', 'ascii')).toEqual(['gr', 'e', 'ber', 'l']);
    expect(rougeTokens('Größe über Öl')).toEqual(['größe', 'über', 'öl']);
    expect(rougeTokens('')).toEqual([]);
  });

  it('computes LCS lengths (rouge-score testLcsTable)', () => {
    expect(lcsLength([1, 2, 3, 4, 5], [2, 5, 3, 4])).toBe(3);
    expect(lcsLength([1, 2, 3, 4, 5], [8, 9])).toBe(0);
  });
});

describe('Levenshtein distance', () => {
  it('gives the textbook distances', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('flaw', 'lawn')).toBe(2);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
    expect(levenshteinSimilarity(3, 'kitten', 'sitting')).toBeCloseTo(1 - 3 / 7, 12);
    expect(levenshteinSimilarity(0, '', '')).toBe(1);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(levenshtein('👍', '👎')).toBe(1);
    expect(levenshtein('a👍b', 'ab')).toBe(1);
    expect(levenshteinSimilarity(1, '👍', '👎')).toBe(0);
  });

  it('stops early past max', () => {
    expect(levenshtein('abcdef', 'uvwxyz', 2)).toBe(3);
    expect(levenshtein('abc', 'abcdefgh', 2)).toBe(3);
    expect(levenshtein('kitten', 'sitting', 3)).toBe(3);
  });
});
