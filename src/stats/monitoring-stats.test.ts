import { describe, expect, it } from 'vitest';
import { chiSquareTest } from './chi-square.js';
import { ewmaChart } from './control-chart.js';
import { spearmanInterval } from './correlation-interval.js';
import { psiFromCounts } from './drift.js';
import { fisherExact } from './fisher.js';
import { fisherInterval } from './fisher-interval.js';
import { kmeans } from './kmeans.js';
import { mmdTest } from './mmd.js';
import { createRng } from './random.js';

function gaussian(rng: ReturnType<typeof createRng>): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

const cloud = (rng: ReturnType<typeof createRng>, n: number, dim: number, shift = 0) =>
  Array.from({ length: n }, () =>
    Array.from({ length: dim }, (_, k) => gaussian(rng) + (k === 0 ? shift : 0)),
  );

describe('chiSquareTest', () => {
  it('matches scipy.stats.chi2_contingency(correction=False)', () => {
    const r = chiSquareTest([
      [10, 10, 20],
      [20, 20, 20],
    ]);
    expect(r.statistic).toBeCloseTo(2.7777777777777777, 12);
    expect(r.df).toBe(2);
    expect(r.p).toBeCloseTo(0.24935220877729619, 10);
    const one = chiSquareTest([
      [90, 10],
      [70, 30],
    ]);
    expect(one.statistic).toBeCloseTo(12.5, 12);
    expect(one.p).toBeCloseTo(0.000406952, 8);
  });

  it('drops categories empty everywhere and refuses empty rows', () => {
    expect(
      chiSquareTest([
        [5, 0, 5],
        [5, 0, 5],
      ]).df,
    ).toBe(1);
    expect(chiSquareTest([[5], [7]])).toEqual({ statistic: 0, df: 0, p: 1 });
    expect(() =>
      chiSquareTest([
        [0, 0],
        [1, 2],
      ]),
    ).toThrow(/empty/);
  });

  it('small expected counts take a Monte-Carlo p-value, seeded, less liberal than the asymptotic one', () => {
    const table = [
      [99, 1],
      [93, 7],
    ];
    const r = chiSquareTest(table);
    expect(r.simulated).toBe(999);
    const asymptotic = chiSquareTest(table, { simulate: 0 });
    expect(asymptotic.simulated).toBeUndefined();
    expect(r.p).toBeGreaterThan(asymptotic.p);
    expect(r.p).toBeLessThan(0.2);
    expect(chiSquareTest(table)).toEqual(r);
  });

  it('psiFromCounts', () => {
    expect(psiFromCounts([90, 10], [70, 30])).toBeCloseTo(0.2 * Math.log(9 / 7) + 0.2 * Math.log(3), 12);
    expect(psiFromCounts([5, 5], [50, 50])).toBe(0);
  });
});

describe('mmdTest', () => {
  it('keeps its level on samples of one distribution and finds a shift of one sd in one coordinate', () => {
    const rng = createRng(11);
    let rejections = 0;
    for (let t = 0; t < 40; t++) {
      if (mmdTest(cloud(rng, 40, 5), cloud(rng, 40, 5), { permutations: 199, seed: t }).p <= 0.05)
        rejections++;
    }
    expect(rejections).toBeLessThanOrEqual(6); // expected 2 of 40
    const shifted = mmdTest(cloud(rng, 80, 5), cloud(rng, 80, 5, 1), { permutations: 199 });
    expect(shifted.p).toBeLessThan(0.01);
    expect(shifted.statistic).toBeGreaterThan(0);
  });

  it('is seeded: the same call gives the same p', () => {
    const rng = createRng(3);
    const x = cloud(rng, 20, 3);
    const y = cloud(rng, 20, 3);
    expect(mmdTest(x, y, { seed: 5, permutations: 99 })).toEqual(
      mmdTest(x, y, { seed: 5, permutations: 99 }),
    );
    expect(() => mmdTest([[1, 2]], y)).toThrow(/at least 2/);
  });
});

describe('kmeans', () => {
  it('separates well-separated groups, the same way for a seed', () => {
    const pts = [
      [0, 0],
      [0, 1],
      [1, 0],
      [10, 10],
      [10, 11],
      [11, 10],
    ];
    const r = kmeans(pts, 2, { seed: 1 });
    expect(new Set(r.assignment.slice(0, 3)).size).toBe(1);
    expect(new Set(r.assignment.slice(3)).size).toBe(1);
    expect(r.assignment[0]).not.toBe(r.assignment[3]);
    expect(kmeans(pts, 2, { seed: 1 })).toEqual(r);
    expect(
      kmeans(
        [
          [1, 1],
          [1, 1],
        ],
        3,
      ).centroids,
    ).toHaveLength(1);
  });
});

describe('ewmaChart', () => {
  it('its z is standard normal in control: about 5% of points beyond 1.96, reference error included', () => {
    const rng = createRng(5);
    let beyond = 0;
    let points = 0;
    for (let run = 0; run < 200; run++) {
      // A Bernoulli(0.1) metric: the reference mean is estimated from 2,000 observations.
      let k = 0;
      for (let i = 0; i < 2000; i++) if (rng.next() < 0.1) k++;
      const p0 = k / 2000;
      const windows = Array.from({ length: 10 }, () => {
        let c = 0;
        for (let i = 0; i < 200; i++) if (rng.next() < 0.1) c++;
        return { mean: c / 200, n: 200 };
      });
      const chart = ewmaChart({ mean: p0, sd: Math.sqrt(p0 * (1 - p0)), n: 2000 }, windows);
      for (const pt of chart) {
        points++;
        if (pt.p <= 0.05) beyond++;
      }
    }
    expect(beyond / points).toBeGreaterThan(0.02);
    expect(beyond / points).toBeLessThan(0.08);
  });

  it('a persistent shift drives z up within a few windows; empty windows change nothing', () => {
    const windows = [
      { mean: 0.1, n: 300 },
      { mean: 0.1, n: 0 },
      { mean: 0.16, n: 300 },
      { mean: 0.16, n: 300 },
    ];
    const chart = ewmaChart({ mean: 0.1, sd: 0.3, n: 5000 }, windows);
    expect(chart[0]!.z).toBe(0);
    expect(chart[1]).toEqual(chart[0]);
    expect(chart[3]!.z).toBeGreaterThan(chart[2]!.z);
    expect(chart[3]!.p).toBeLessThan(0.001);
  });
});

describe('spearmanInterval', () => {
  it("gives rho with the Fisher-z interval (Bonett–Wright standard error), as calibrate's", () => {
    const r = spearmanInterval([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 4, 3, 6, 5, 8, 7]);
    expect(r.estimate).toBeCloseTo(0.9048, 3);
    expect([r.lo, r.hi]).toEqual(fisherInterval(r.estimate, 8, 'spearman'));
    expect(r.lo).toBeCloseTo(0.4279, 3);
    expect(r.hi).toBeCloseTo(0.9876, 3);
    expect(r.n).toBe(8);
    expect(() => spearmanInterval([1, 2], [1, 2])).toThrow(/at least 3/);
    // Three pairs: the formula has no degrees of freedom left, the interval is everything.
    const three = spearmanInterval([1, 2, 3], [1, 3, 2]);
    expect([three.lo, three.hi]).toEqual([-1, 1]);
  });
});

describe('fisherExact', () => {
  it('matches scipy.stats.fisher_exact (two-sided)', () => {
    expect(fisherExact(8, 2, 1, 5)).toBeCloseTo(0.034965, 5);
    expect(fisherExact(1, 9, 11, 3)).toBeCloseTo(0.0027595, 6);
    expect(fisherExact(5, 5, 5, 5)).toBeCloseTo(1, 10);
    expect(fisherExact(0, 0, 0, 0)).toBe(1);
  });
});

describe('spearmanInterval with values equal up to rounding', () => {
  it('ranks them as ties, and refuses a side that is constant up to rounding instead of resampling around it', () => {
    // 0.1 + 0.2 and 0.3 are one value to spearman's ranking.
    const x = [0.1 + 0.2, 0.3, 0.5, 0.7, 0.9];
    const y = [1, 2, 3, 4, 5];
    const r = spearmanInterval(x, y);
    expect(r.estimate).toBeCloseTo(0.9746794344808963, 12);
    expect(Number.isFinite(r.lo) && Number.isFinite(r.hi)).toBe(true);
    expect(() => spearmanInterval([0.1 + 0.2, 0.3, 0.3, 0.3], [1, 2, 3, 4])).toThrow(/x is constant/);
  });
});
