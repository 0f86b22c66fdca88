import { describe, expect, it } from 'vitest';
import {
  binomialHalfCdf,
  chiSquare1Sf,
  erfc,
  kolmogorovSf,
  normalQuantile,
  normalSf,
  normalTwoSided,
  tTwoSided,
} from './distributions.js';

// Reference values from scipy 1.17.1 (scipy.special and scipy.stats), computed for these tests.
const rel = (a: number, b: number) => Math.abs(a / b - 1);

describe('distribution functions', () => {
  it('erfc keeps relative accuracy in the far tail (scipy.special.erfc)', () => {
    const cases: [number, number][] = [
      [0.1, 0.8875370839817152],
      [1, 0.15729920705028516],
      [3, 2.2090496998585445e-5],
      [5, 1.5374597944280347e-12],
      [10, 2.0884875837625446e-45],
      [20, 5.395865611607901e-176],
    ];
    for (const [x, ref] of cases) expect(rel(erfc(x), ref)).toBeLessThan(1e-12);
  });

  it('normal tails and quantiles (scipy.stats.norm)', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 8);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalSf(-1.5)).toBeCloseTo(0.9331927987311419, 14);
    expect(normalTwoSided(1.959963984540054)).toBeCloseTo(0.05, 14);
    expect(chiSquare1Sf(3.841458820694124)).toBeCloseTo(0.05, 14);
    expect(chiSquare1Sf(0)).toBe(1);
  });

  it("Student's t two-sided p (2 * scipy.stats.t.sf)", () => {
    expect(tTwoSided(2.5, 7)).toBeCloseTo(0.04099221858575289, 9);
    expect(tTwoSided(-10, 3)).toBeCloseTo(0.0021283990584141503, 10);
    expect(tTwoSided(0.3, 200)).toBeCloseTo(0.764488730189328, 8);
    expect(tTwoSided(0, 5)).toBe(1);
    expect(tTwoSided(Number.POSITIVE_INFINITY, 5)).toBe(0);
  });

  it('binomial(n, 1/2) CDF, direct and log-space branches (scipy.stats.binom.cdf)', () => {
    expect(binomialHalfCdf(5, 24)).toBeCloseTo(0.003305375576019287, 16);
    expect(rel(binomialHalfCdf(400, 1000), 1.3642320780329735e-10)).toBeLessThan(1e-12);
    expect(rel(binomialHalfCdf(4500, 10000), 7.755320284123319e-24)).toBeLessThan(1e-8);
    expect(binomialHalfCdf(700, 1001)).toBe(1);
    expect(binomialHalfCdf(-1, 10)).toBe(0);
    expect(binomialHalfCdf(10, 10)).toBe(1);
  });

  it('Kolmogorov survival function on both sides of the series switch (scipy.special.kolmogorov)', () => {
    const cases: [number, number][] = [
      [0.3, 0.9999906941986655],
      [0.5, 0.9639452436648751],
      [1.0, 0.26999967167735456],
      [1.18, 0.1234538094297657],
      [1.5, 0.022217962616525127],
      [2.5, 7.453306344157342e-6],
    ];
    for (const [x, ref] of cases) expect(rel(kolmogorovSf(x), ref)).toBeLessThan(1e-10);
    expect(kolmogorovSf(0)).toBe(1);
  });
});
