import { describe, expect, it } from 'vitest';
import { type CalibrationPair, calibrate, levelOf } from './calibrate.js';

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
    // Quadratic-weighted kappa on the 24 individual ratings against the judge, categories 1–5:
    // test/judge/fixtures/calibration-decisions.py.
    expect(cal.kappa).toBeCloseTo(0.8571428571428572, 10);
    expect(cal.passAgreement).toEqual({ agree: 11, total: 12, share: 11 / 12 });
    expect(cal.humanAgreement).toEqual({
      units: 12,
      maxRaters: 2,
      alpha: expect.closeTo(0.7718253968253969, 10),
    });
    // Fisher-z intervals with Bonett–Wright standard errors (same script).
    expect(cal.pearson!.lo).toBeCloseTo(0.7184042791858212, 10);
    expect(cal.pearson!.hi).toBeCloseTo(0.9762638519892214, 10);
    expect(cal.spearman!.lo).toBeCloseTo(0.680166699865573, 10);
    expect(cal.spearman!.hi).toBeCloseTo(0.983340764610676, 10);
    expect(cal.kendall!.lo).toBeCloseTo(0.662130232493447, 10);
    expect(cal.kendall!.hi).toBeCloseTo(0.9369856208457632, 10);
    // ρ = 0.92, but on 12 outputs the interval reaches down to 0.68: not yet shown to be 0.8 or more.
    expect(cal.verdict).toBe('not enough evidence');
    // The humans counted per rating (24), the judge per output (12).
    expect(cal.distributions).toEqual({
      levels: ['1', '2', '3', '4', '5'],
      judge: [2, 2, 3, 3, 2],
      human: [4, 5, 6, 5, 4],
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
    // ρ = 0.154, interval [−0.46, 0.67]: confidently below 0.8 (calibration-decisions.py).
    expect(cal.spearman!.value).toBeCloseTo(0.15385028250337077, 10);
    expect(cal.spearman!.hi).toBeCloseTo(0.6708338153883711, 10);
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

  // Issue 12, item 6: each input from the issue, expected values from
  // test/judge/fixtures/calibration-decisions.py (SciPy/NumPy, not Assay code).
  const single = (judge: number[], human: number[]): CalibrationPair[] =>
    judge.map((j, i) => ({ caseId: `k${i}`, target: 't', judge: j, ratings: [{ score: human[i]! }] }));

  it('(a) weights kappa by the declared scale, not by the levels that occur', () => {
    const cal = calibrate('x', single([5, 5, 1, 2, 1, 2], [2, 2, 1, 2, 1, 5]), { scale: [1, 5] });
    // On the levels that occur (1, 2, 5) a 5 sits next to a 2 and kappa reads 0.571.
    expect(cal.kappa).toBeCloseTo(0.08988764044943809, 12);
  });

  it('(b) computes intervals without dropping degenerate resamples', () => {
    // A bootstrap of these 8 pairs finds no variation in about a third of its resamples and used to
    // drop them (734 of 2,000), conditioning the interval. Fisher z resamples nothing.
    const cal = calibrate('x', single([0, 0, 0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 0, 0, 1, 0]), {
      scale: [0, 1],
    });
    expect(cal.pearson).toMatchObject({
      value: expect.closeTo(0.6546536707079771, 12),
      lo: expect.closeTo(-0.09285466899628059, 12),
      hi: expect.closeTo(0.9302066973149938, 12),
    });
    expect(cal.spearman!.lo).toBeCloseTo(-0.1804822953160157, 12);
    expect(cal.kendall!.lo).toBeCloseTo(0.13474841248267957, 12);
    expect(cal.notes.join('\n')).not.toMatch(/left out|resample/);
    expect(cal.verdict).toBe('not enough evidence');
  });

  it('(c) decides on the interval: Spearman 0.9 on 5 cases is not enough evidence', () => {
    const cal = calibrate('x', single([1, 2, 3, 4, 5], [1, 3, 2, 4, 5]), { scale: [1, 5] });
    expect(cal.spearman!.value).toBeCloseTo(0.9, 12);
    expect(cal.spearman!.lo).toBeCloseTo(-0.16889565860999664, 10);
    expect(cal.verdict).toBe('not enough evidence');
    // Perfect agreement on 5 cases still decides nothing: the interval needs 10 outputs.
    expect(calibrate('x', single([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]), { scale: [1, 5] }).verdict).toBe(
      'not enough evidence',
    );
  });

  it('(d) computes kappa on the individual ratings, not on means rounded half up', () => {
    const judge = [2, 2, 2, 4, 4, 4, 1, 5, 3, 3];
    const ratings = [
      [2, 3],
      [2, 3],
      [2, 3],
      [4, 5],
      [4, 5],
      [4, 5],
      [1, 1],
      [5, 5],
      [3, 3],
      [3, 3],
    ];
    const cal = calibrate(
      'x',
      judge.map((j, i) => ({
        caseId: `k${i}`,
        target: 't',
        judge: j,
        ratings: ratings[i]!.map((score) => ({ score })),
      })),
      { scale: [1, 5] },
    );
    // Means 2.5 and 4.5 rounded half up (to 3 and 5) would give 0.8235294117647058.
    expect(cal.kappa).toBeCloseTo(0.9032258064516129, 12);
  });

  it('bins a judge mean over repeats half to even, not half up', () => {
    expect([2.5, 3.5, 4.5, 2.4, 2.6, 0.2, 7].map((x) => levelOf(x, 1, 5))).toEqual([2, 4, 4, 2, 3, 1, 5]);
  });
});
