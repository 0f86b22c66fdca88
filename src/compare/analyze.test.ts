import { describe, expect, it } from 'vitest';
import type { ResultRecord } from '../core/run.js';
import { clusteredProportion, wilson } from '../stats/intervals.js';
import { holm } from '../stats/multiple-comparisons.js';
import { compareRuns } from './analyze.js';
import { comparisonMarkdown, formatComparison } from './format.js';
import { type RunSide, sideFromResults } from './sides.js';

interface Spec {
  caseId: string;
  /** One entry per repeat. */
  pass: boolean[];
  /** Per evaluator, one value per repeat. */
  scores?: Record<string, number[]>;
  tags?: Record<string, string>;
}

function side(id: string, specs: Spec[]): Promise<RunSide> {
  const out: ResultRecord[] = [];
  for (const s of specs) {
    s.pass.forEach((pass, repeat) => {
      out.push({
        runId: id,
        caseId: s.caseId,
        target: 'bot',
        repeat,
        tags: s.tags ?? {},
        output: { text: 'x', latencyMs: 10 },
        pass,
        scores: Object.entries(s.scores ?? {}).map(([evaluator, values]) => ({
          evaluator,
          value: values[repeat]!,
          pass: null,
        })),
        latencyMs: 10,
      });
    });
  }
  return sideFromResults(id, id, out);
}

const cases = (n: number, make: (i: number) => Omit<Spec, 'caseId'>): Spec[] =>
  Array.from({ length: n }, (_, i) => ({ caseId: `c${i}`, ...make(i) }));

const row = (c: ReturnType<typeof compareRuns>, metric: string, stratum = 'all') =>
  c.rows.find((r) => r.metric === metric && r.stratum === stratum)!;

describe('compareRuns: the test that fits', () => {
  it('uses per-case means with repeats: fractional pass rates go to the sign-flip test, not McNemar', async () => {
    // Baseline passes 3/3 on every case; the candidate 1/3 on the first 8 cases, 3/3 on the rest.
    const base = await side(
      'b',
      cases(12, () => ({ pass: [true, true, true] })),
    );
    const cand = await side(
      'c',
      cases(12, (i) => ({ pass: i < 8 ? [true, false, false] : [true, true, true] })),
    );
    const r = row(compareRuns(base, cand), 'pass');
    expect(r.test).toBe('sign-flip');
    expect(r.n).toBe(12);
    expect(r.baseline!.value).toBe(1);
    // Mean of per-case pass fractions: (8 · 1/3 + 4) / 12.
    expect(r.candidate!.value).toBeCloseTo((8 / 3 + 4) / 12, 12);
    // 8 equal non-zero differences, all negative: exact two-sided p = 2 / 2^8.
    expect(r.p).toBeCloseTo(2 / 256, 12);
    expect(r.verdict).toBe('regressed');
    // The interval is the one `assay eval` gives the pass rate with repeats: clustered by case.
    const ci = clusteredProportion(
      Array.from({ length: 12 }, (_, i) => ({ successes: i < 8 ? 1 : 3, n: 3 })),
    );
    expect(r.candidate!.interval).toEqual([ci.lo, ci.hi]);
    // All 36 tries of the baseline passed: 12 cases count as 12 observations, Wilson(12, 12).
    expect(r.baseline!.interval).toEqual(wilson(12, 12));
  });

  it('stays with McNemar when repeats agree within every case', async () => {
    const base = await side(
      'b',
      cases(10, () => ({ pass: [true, true] })),
    );
    const cand = await side(
      'c',
      cases(10, (i) => ({ pass: i < 9 ? [false, false] : [true, true] })),
    );
    const r = row(compareRuns(base, cand), 'pass');
    expect(r.test).toBe('mcnemar-exact');
    // 9 discordant pairs, all one way: exact binomial p = 2 · 0.5^9.
    expect(r.p).toBeCloseTo(2 / 512, 12);
  });

  it('gives p = 1 and no verdict with no discordant pair', async () => {
    const base = await side(
      'b',
      cases(8, (i) => ({ pass: [i % 2 === 0] })),
    );
    const cand = await side(
      'c',
      cases(8, (i) => ({ pass: [i % 2 === 0] })),
    );
    const r = row(compareRuns(base, cand), 'pass');
    expect(r).toMatchObject({ test: 'mcnemar-exact', p: 1, diff: 0, verdict: 'no significant change' });
  });

  it('gives p = 1 when every paired score is equal', async () => {
    const specs = cases(30, (i) => ({ pass: [true], scores: { quality: [i / 30] } }));
    const c = compareRuns(await side('b', specs), await side('c', specs));
    expect(row(c, 'quality')).toMatchObject({ test: 'sign-flip', p: 1, verdict: 'no significant change' });
  });

  it('does not call a tiny stratum regressed: 2 cases that both drop are not evidence', async () => {
    // 20 unchanged cases of kind=a, and 2 cases of kind=b whose score drops from 0.9 to 0.8.
    const make = (drop: boolean) =>
      cases(22, (i) => ({
        pass: [true],
        tags: { kind: i < 20 ? 'a' : 'b' },
        scores: { quality: [i < 20 ? 0.5 : drop ? 0.8 : 0.9] },
      }));
    const c = compareRuns(await side('b', make(false)), await side('c', make(true)));
    const r = row(c, 'quality', 'kind=b');
    expect(r.n).toBe(2);
    expect(r.test).toBe('sign-flip');
    // Exact: the 4 sign assignments of 2 differences; both negative is the most extreme, p = 2 · 1/4.
    expect(r.p).toBeCloseTo(0.5, 12);
    expect(r.verdict).toBe('no significant change');
    expect(c.regressions).toEqual([]);
  });

  it('finds a real drop in scores with enough cases', async () => {
    const make = (drop: number) =>
      cases(10, (i) => ({ pass: [true], scores: { quality: [0.9 - drop - i / 100] } }));
    const r = row(compareRuns(await side('b', make(0)), await side('c', make(0.2))), 'quality');
    expect(r.test).toBe('sign-flip');
    expect(r.diff).toBeCloseTo(-0.2, 12);
    expect(r.p).toBeCloseTo(2 / 1024, 12);
    expect(r.verdict).toBe('regressed');
  });
});

describe('compareRuns: the family and what is reported', () => {
  it('adjusts every tested row with Holm, once, over all metrics and strata', async () => {
    const make = (worse: boolean) =>
      cases(40, (i) => ({
        pass: [!(worse && i % 4 === 0) && i % 7 !== 0],
        tags: { kind: i % 2 ? 'odd' : 'even' },
        scores: { quality: [worse && i % 2 === 0 ? 0.4 : 0.8] },
      }));
    const c = compareRuns(await side('b', make(false)), await side('c', make(true)));
    const tested = c.rows.filter((r) => r.p !== null);
    expect(tested.length).toBe(6); // {pass, quality} × {all, kind=even, kind=odd}
    expect(tested.map((r) => r.pAdjusted)).toEqual(holm(tested.map((r) => r.p!)));
    for (const r of tested) expect(r.pAdjusted!).toBeGreaterThanOrEqual(r.p!);
    expect(c.regressions.map((r) => `${r.metric} ${r.stratum}`).sort()).toEqual([
      'pass all',
      'pass kind=even',
      'quality all',
      'quality kind=even',
    ]);
  });

  it('gives each side its own interval: Wilson for rates, bootstrap of case means for scores', async () => {
    const base = await side(
      'b',
      cases(20, (i) => ({ pass: [i < 15], scores: { quality: [i / 20] } })),
    );
    const cand = await side(
      'c',
      cases(20, (i) => ({ pass: [i < 10], scores: { quality: [i / 40] } })),
    );
    const c = compareRuns(base, cand);
    const pass = row(c, 'pass');
    expect(pass.baseline!.value).toBe(0.75);
    expect(pass.baseline!.interval[0]).toBeCloseTo(0.531299, 5); // Wilson(15, 20)
    expect(pass.baseline!.interval[1]).toBeCloseTo(0.888138, 5);
    expect(pass.candidate!.value).toBe(0.5);
    const q = row(c, 'quality');
    expect(q.baseline!.value).toBeCloseTo(0.475, 12);
    expect(q.baseline!.interval[0]).toBeLessThan(0.475);
    expect(q.baseline!.interval[1]).toBeGreaterThan(0.475);
    expect(q.candidate!.interval[1]).toBeLessThan(q.baseline!.interval[1]);
  });

  it('names an evaluator present in one run only instead of dropping it silently', async () => {
    const base = await side(
      'b',
      cases(6, () => ({ pass: [true], scores: { quality: [1], old: [1] } })),
    );
    const cand = await side(
      'c',
      cases(6, () => ({ pass: [true], scores: { quality: [1], fresh: [0] } })),
    );
    const c = compareRuns(base, cand);
    expect(c.metricsOnlyInBaseline).toEqual(['old']);
    expect(c.metricsOnlyInCandidate).toEqual(['fresh']);
    expect([...new Set(c.rows.map((r) => r.metric))]).toEqual(['pass', 'quality']);
    expect(formatComparison(c)).toContain(
      'Evaluators not compared (only in baseline: old; only in candidate: fresh).',
    );
    expect(comparisonMarkdown(c)).toContain('only in candidate: fresh');
  });

  it('reports a metric with no paired values as untested, outside the Holm family', async () => {
    // `quality` is scored in both runs, but never on the same case.
    const base = await side(
      'b',
      cases(4, (i) => ({ pass: [true], ...(i < 2 ? { scores: { quality: [1] } } : {}) })),
    );
    const cand = await side(
      'c',
      cases(4, (i) => ({ pass: [true], ...(i >= 2 ? { scores: { quality: [1] } } : {}) })),
    );
    const c = compareRuns(base, cand);
    expect(row(c, 'quality')).toMatchObject({ n: 0, test: 'none', p: null, pAdjusted: null });
  });

  it('shows pass as a percentage with repeats as without', async () => {
    const base = await side(
      'b',
      cases(6, () => ({ pass: [true, false] })),
    );
    const cand = await side(
      'c',
      cases(6, () => ({ pass: [true, true] })),
    );
    const text = formatComparison(compareRuns(base, cand));
    expect(text).toMatch(/pass\s+all\s+6\s+50\.0% \[/);
  });
});
