import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { jsDivergence, psi, wasserstein } from './drift.js';

const one10 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe('psi', () => {
  it('sums (a - e) ln(a / e) over quantile bins of the expected sample (hand-derived)', () => {
    // Two bins cut at the expected median 5.5: e = (0.5, 0.5); actual has 8 values <= 5.5 of 10: a = (0.8, 0.2).
    // PSI = 0.3 ln(1.6) + (-0.3) ln(0.4) = 0.4158883
    const actual = [1, 1, 2, 2, 3, 3, 4, 4, 9, 10];
    expect(psi(one10, actual, { bins: 2 })).toBeCloseTo(0.3 * Math.log(1.6) - 0.3 * Math.log(0.4), 12);
    expect(psi(one10, actual, { bins: 2 })).toBeCloseTo(0.4158883, 7);
  });

  it('floors empty bins at 1e-4 (hand-derived)', () => {
    // a = (1, 0 -> 1e-4), e = (0.5, 0.5)
    const expected = 0.5 * Math.log(2) + (1e-4 - 0.5) * Math.log(1e-4 / 0.5);
    expect(psi(one10, [1, 2, 3], { bins: 2 })).toBeCloseTo(expected, 12);
  });

  it('is 0 for the same sample and merges duplicate cut points of discrete data', () => {
    expect(psi(one10, one10)).toBe(0);
    const scores = [0, 0, 0, 0, 0.5, 0.5, 0.5, 1, 1, 1];
    expect(psi(scores, scores)).toBe(0);
    // deciles 0, 0, 0, 0.3, 0.5, 0.5, 0.65, 1, 1 -> cuts 0, 0.3, 0.5, 0.65, 1; bins that are empty in both
    // samples add nothing, so: e = (0.4, -, 0.3, -, 0.3, -) and a = (0.1, -, 0.3, -, 0.6, -)
    const shifted = [0, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1, 1];
    const manual = (0.1 - 0.4) * Math.log(0.1 / 0.4) + (0.6 - 0.3) * Math.log(0.6 / 0.3);
    expect(psi(scores, shifted)).toBeCloseTo(manual, 12);
  });

  it('is non-negative (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 60 }),
        (e, a) => {
          expect(psi(e, a)).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it('rejects bad input', () => {
    expect(() => psi([], [1])).toThrow('psi: expected is empty');
    expect(() => psi([1], [Number.NaN])).toThrow('psi: actual[0] is not a finite number (NaN)');
    expect(() => psi([1], [1], { bins: 1 })).toThrow('psi: bins must be at least 2 (got 1)');
  });
});

describe('jsDivergence', () => {
  it('matches the scipy.spatial.distance.jensenshannon documentation examples (squared, in bits)', () => {
    // jensenshannon([1, 0, 0], [0, 1, 0], 2.0) == 1.0
    expect(jsDivergence([1, 0, 0], [0, 1, 0])).toBe(1);
    // jensenshannon([1.0, 0.0], [0.5, 0.5]) == 0.46450140402245893 (natural log): divergence in bits = d^2 / ln 2
    expect(jsDivergence([1, 0], [0.5, 0.5])).toBeCloseTo(0.46450140402245893 ** 2 / Math.LN2, 14);
    // jensenshannon([1.0, 0.0, 0.0], [1.0, 0.0, 0.0]) == 0.0
    expect(jsDivergence([1, 0, 0], [1, 0, 0])).toBe(0);
  });

  it('normalises counts and is symmetric and within [0, 1] (property)', () => {
    expect(jsDivergence([2, 0], [5, 5])).toBeCloseTo(jsDivergence([1, 0], [0.5, 0.5]), 14);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 })), {
          minLength: 1,
          maxLength: 20,
        }),
        (ps) => {
          const p = ps.map((v) => v[0]);
          const q = ps.map((v) => v[1]);
          if (p.every((v) => v === 0) || q.every((v) => v === 0)) return;
          const d = jsDivergence(p, q);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(1);
          expect(jsDivergence(q, p)).toBeCloseTo(d, 14);
        },
      ),
    );
  });

  it('rejects bad input', () => {
    expect(() => jsDivergence([1, 0], [1])).toThrow(
      'jsDivergence: p and q must have the same length (2 vs 1)',
    );
    expect(() => jsDivergence([0, 0], [1, 1])).toThrow('jsDivergence: p sums to 0, it is not a distribution');
    expect(() => jsDivergence([1, -1], [1, 1])).toThrow('jsDivergence: p[1] is negative (-1)');
    expect(() => jsDivergence([], [])).toThrow(AssayError);
  });
});

describe('wasserstein', () => {
  it('matches the scipy.stats.wasserstein_distance documentation examples', () => {
    // wasserstein_distance([0, 1, 3], [5, 6, 8]) == 5.0
    expect(wasserstein([0, 1, 3], [5, 6, 8])).toBe(5);
    // wasserstein_distance([0, 1], [0, 1], [3, 1], [2, 2]) == 0.25, weights written out as repeated values
    expect(wasserstein([0, 0, 0, 1], [0, 0, 1, 1])).toBeCloseTo(0.25, 15);
  });

  it('is symmetric, zero for equal samples and |c| for a shift by c (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: -50, max: 50 }),
        (x, y, c) => {
          const d = wasserstein(x, y);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(wasserstein(y, x)).toBeCloseTo(d, 9);
          expect(wasserstein(x, [...x].reverse())).toBe(0);
          expect(
            wasserstein(
              x,
              x.map((v) => v + c),
            ),
          ).toBeCloseTo(Math.abs(c), 9);
        },
      ),
    );
  });

  it('rejects empty samples', () => {
    expect(() => wasserstein([], [1])).toThrow('wasserstein: x is empty');
  });
});
