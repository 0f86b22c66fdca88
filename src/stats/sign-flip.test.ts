import { describe, expect, it } from 'vitest';
import { signFlipTest } from './sign-flip.js';

describe('signFlipTest', () => {
  it('tests the mean: 34 cases down 0.1 and 6 up 0.9 is no evidence either way (issue 12, item 3)', () => {
    // Mean +0.05. Exact over all 2^40 signs (integer lattice in tenths), by a separate dynamic
    // programme in Python: P(|S| >= 20) = 0.4212704871715687. Wilcoxon gives p = 0.007 here.
    const up = signFlipTest([...new Array(34).fill(-0.1), ...new Array(6).fill(0.9)]);
    expect(up.mean).toBeCloseTo(0.05, 12);
    expect(up.p).toBeCloseTo(0.4212704871715687, 12);
    expect(up.method).toBe('exact');
    const down = signFlipTest([...new Array(34).fill(0.1), ...new Array(6).fill(-0.9)]);
    expect(down.mean).toBeCloseTo(-0.05, 12);
    expect(down.p).toBeCloseTo(up.p, 12);
  });

  it('matches scipy.stats.permutation_test on real-valued differences (exact enumeration)', () => {
    // scipy 1.17.1: permutation_test((d,), np.mean, permutation_type='samples', n_resamples=np.inf).
    const d = [0.31, -0.12, 0.55, 0.07, 0.42, -0.03, 0.29, 0.18, 0.61, -0.25, 0.36, 0.14];
    const r = signFlipTest(d);
    expect(r.method).toBe('exact');
    expect(r.p).toBeCloseTo(0.02099609375, 12);
  });

  it('ties repeat fractions that differ in the last bit: 12 cases 3/3 → 2/3, 8 cases 0/3 → 1/3', () => {
    const d = [...new Array(12).fill(2 / 3 - 1), ...new Array(8).fill(1 / 3 - 0)];
    // The sign test: 2 P(Bin(20, 1/2) <= 8) = 0.5034446716308594 (scipy binomtest(8, 20)).
    expect(signFlipTest(d).p).toBeCloseTo(0.5034446716308594, 12);
  });

  it('falls back to seeded random flips off a grid, reproducibly, keeping p above 0', () => {
    const d = Array.from({ length: 60 }, (_, i) => Math.sin(i * 1.7) * 0.3 + 0.05 * Math.SQRT2);
    const a = signFlipTest(d);
    expect(a.method).toBe('monte-carlo');
    expect(signFlipTest(d)).toEqual(a);
    expect(a.p).toBeGreaterThan(0);
    const all = signFlipTest(new Array(30).fill(Math.PI / 100));
    expect(all.method).toBe('exact');
    // Every sign the same way, but with 30 pairs: exact 2 / 2^30.
    expect(all.p).toBeCloseTo(2 / 2 ** 30, 18);
  });

  it('gives p = 1 when nothing changed', () => {
    expect(signFlipTest([0, 0, 0])).toEqual({ mean: 0, p: 1, method: 'exact' });
  });
});
