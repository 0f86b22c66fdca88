import { describe, expect, it } from 'vitest';
import { type CalibrationPair, calibrate } from './calibrate.js';

// Twelve outputs, one judge score and two human ratings each.
const judge = [5, 4, 4, 3, 2, 1, 5, 3, 2, 4, 1, 3];
const r1 = [5, 4, 3, 3, 2, 1, 4, 2, 2, 5, 2, 3];
const r2 = [4, 5, 3, 4, 1, 1, 5, 3, 3, 4, 1, 2];
const pairs: CalibrationPair[] = judge.map((j, i) => ({
  caseId: `c${String(i).padStart(2, '0')}`,
  target: 't',
  judge: j,
  ratings: [
    { score: r1[i]!, rater: 'ann' },
    { score: r2[i]!, rater: 'bob' },
  ],
  reasoning: `reasoning ${i}`,
}));

describe('calibrate', () => {
  it('matches values computed independently', () => {
    // Expected values computed with SciPy 1.17.1 (pearsonr, spearmanr, kendalltau — tau-b) on the
    // judge scores and the human means; quadratic-weighted kappa and Krippendorff's interval alpha
    // computed by hand in NumPy from their textbook definitions (observed/expected disagreement
    // matrices; coincidences within units vs all pairs of values). Script: test/judge/fixtures/calibration-expected.py.
    const cal = calibrate('rubric.accuracy', pairs, { scale: [1, 5], threshold: 4 });
    expect(cal.n).toBe(12);
    expect(cal.pearson!.value).toBeCloseTo(0.9150406826175915, 10);
    expect(cal.pearson!.p).toBeCloseTo(3.0185330042683155e-5, 8);
    expect(cal.spearman!.value).toBeCloseTo(0.9231016950202247, 10);
    expect(cal.kendall!.value).toBeCloseTo(0.8495907904857464, 10);
    expect(cal.kappa).toBeCloseTo(0.8610038610038611, 10);
    expect(cal.passAgreement).toEqual({ agree: 11, total: 12, share: 11 / 12 });
    expect(cal.humanAgreement).toEqual({
      units: 12,
      maxRaters: 2,
      alpha: expect.closeTo(0.7718253968253969, 10),
    });
    expect(cal.verdict).toBe('trusted');
    // Intervals contain the estimate and stay within [-1, 1].
    for (const c of [cal.pearson!, cal.spearman!, cal.kendall!]) {
      expect(c.lo).toBeLessThanOrEqual(c.value);
      expect(c.hi).toBeGreaterThanOrEqual(c.value);
      expect(c.lo).toBeGreaterThan(0.4);
      expect(c.hi).toBeLessThanOrEqual(1);
    }
    // Human means rounded half up: 4.5 → 5, 1.5 → 2, 2.5 → 3.
    expect(cal.distributions).toEqual({
      levels: ['1', '2', '3', '4', '5'],
      judge: [2, 2, 3, 3, 2],
      human: [1, 2, 4, 1, 4],
    });
    expect(cal.gaps[0]).toMatchObject({
      caseId: 'c02',
      judge: 4,
      human: 3,
      gap: 1,
      reasoning: 'reasoning 2',
    });
  });

  it('says to revise the prompt when the judge does not follow the humans', () => {
    const shuffled = pairs.map((p, i) => ({ ...p, judge: judge[(i * 5) % 12]! }));
    const cal = calibrate('rubric.accuracy', shuffled, { scale: [1, 5] });
    expect(cal.spearman!.value).toBeLessThan(0.8);
    expect(cal.verdict).toBe('revise the judge prompt');
    expect(cal.passAgreement).toBeNull();
  });

  it('reports one rating per output as no human agreement, and a constant judge as no correlation', () => {
    const single = pairs.map((p) => ({ ...p, ratings: p.ratings.slice(0, 1), judge: 3 }));
    const cal = calibrate('x', single, { scale: [1, 5] });
    expect(cal.humanAgreement).toBeNull();
    expect(cal.spearman).toBeNull();
    expect(cal.verdict).toBe('revise the judge prompt');
    expect(cal.notes.join('\n')).toMatch(/Spearman: .*constant/);
  });
});
