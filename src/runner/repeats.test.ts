import { describe, expect, it } from 'vitest';
import type { ResultRecord } from '../core/run.js';
import { wilson } from '../stats/intervals.js';
import { RepeatTracker } from './repeats.js';
import { SummaryBuilder } from './summary.js';

/** `outcomes[i]` is the pass/fail of repeat i of the case; `null` is a result whose call errored. */
function results(
  caseId: string,
  outcomes: (boolean | null)[],
  extra: { target?: string; tags?: Record<string, string>; scores?: number[] } = {},
): ResultRecord[] {
  return outcomes.map((pass, repeat) => ({
    runId: 'r',
    caseId,
    target: extra.target ?? 'bot',
    repeat,
    tags: extra.tags ?? {},
    output: pass === null ? null : { text: pass ? 'ok' : 'no', latencyMs: 5 },
    pass: pass === true,
    ...(pass === null ? { error: 'timeout' } : {}),
    scores:
      pass === null ? [] : [{ evaluator: 'quality', value: extra.scores?.[repeat] ?? (pass ? 1 : 0), pass }],
    latencyMs: 5,
  }));
}

function tracker(k: number, ...groups: ResultRecord[][]): RepeatTracker {
  const t = new RepeatTracker(k);
  for (const r of groups.flat()) t.add(r);
  return t;
}

const T = true;
const F = false;

describe('RepeatTracker', () => {
  it('finds the flaky cases: neither always passing nor always failing', () => {
    const t = tracker(
      3,
      results('always', [T, T, T]),
      results('never', [F, F, F]),
      results('twice', [T, F, T]),
      results('once', [F, F, T]),
    );
    const s = t.summary();
    expect(s.flaky).toEqual({ count: 2, cases: ['twice', 'once'] });
    expect(s).toMatchObject({ k: 3, cases: 4, alwaysPass: 1, alwaysFail: 1 });
    // (1 + 0 + 2/3 + 1/3) / 4
    expect(s.meanCasePassRate).toBeCloseTo(0.5, 12);
    expect(t.perCase().map((c) => [c.caseId, c.trials, c.passes, c.flaky])).toEqual([
      ['always', 3, 3, false],
      ['never', 3, 0, false],
      ['twice', 3, 2, true],
      ['once', 3, 1, true],
    ]);
  });

  it('pass@k and pass^k with k = the number of repeats, by hand', () => {
    // With n = k trials, pass@k is 1 - C(n-c, k)/C(n, k) = 1 when any trial passed, and
    // pass^k = C(c, k)/C(n, k) = 1 only when every trial passed.
    // Per case, pass@3: always 1, never 0, twice 1, once 1 → 3/4; pass^3: 1, 0, 0, 0 → 1/4.
    const s = tracker(
      3,
      results('always', [T, T, T]),
      results('never', [F, F, F]),
      results('twice', [T, F, T]),
      results('once', [F, F, T]),
    ).summary();
    expect(s.passAtK).toBe(0.75);
    expect(s.passHatK).toBe(0.25);
  });

  it('leaves out of pass@k a case whose errors left fewer than k judged trials', () => {
    // `gap` passed both trials it was judged on; one errored. It cannot be scored on 3 trials.
    const t = tracker(3, results('never', [F, F, F]), results('gap', [T, null, T]));
    const s = t.summary();
    expect(s.passAtK).toBe(0);
    expect(s.passHatK).toBe(0);
    expect(s.cases).toBe(2);
    expect(s.alwaysPass).toBe(1);
    expect(t.perCase().find((c) => c.caseId === 'gap')).toMatchObject({ trials: 2, passes: 2 });
  });

  it('keeps the mean and sample standard deviation of each score per case', () => {
    const t = tracker(3, results('a', [F, F, T], { scores: [0.2, 0.4, 0.9] }));
    // mean 0.5; deviations -0.3, -0.1, 0.4 → sd = sqrt((0.09 + 0.01 + 0.16) / 2) = sqrt(0.13)
    const q = t.perCase()[0]!.scores.quality!;
    expect(q.n).toBe(3);
    expect(q.mean).toBeCloseTo(0.5, 12);
    expect(q.sd).toBeCloseTo(Math.sqrt(0.13), 12);
  });

  it('names flaky cases by target when several targets ran', () => {
    const s = tracker(
      2,
      results('c1', [T, F], { target: 'a' }),
      results('c1', [T, F], { target: 'b' }),
      results('c2', [T, T], { target: 'b' }),
    ).summary();
    expect(s.flaky).toEqual({ count: 2, cases: ['a/c1', 'b/c1'] });
  });
});

describe('pass-rate intervals with repeats (clustered by case)', () => {
  // 10 cases × 3 repeats; 6 always pass, 4 always fail: 18/30 trials passed, but there are only 10
  // independent answers. Hand computation of the CR1 cluster variance: p = 0.6, residuals s - p n
  // are +1.2 (×6) and -1.8 (×4), sum of squares 21.6; V = 10/9 · 21.6 / 30² = 0.026667; the naive
  // variance is 0.6 · 0.4 / 30 = 0.008, so the design effect is 3.333 and the effective n is 9.
  // Wilson at p = 0.6, n = 9, z = 1.959964: centre 0.570085, half-width 0.269610: [0.300475, 0.839696].
  const agreeing = [
    ...Array.from({ length: 6 }, (_, i) => results(`p${i}`, [T, T, T], { tags: { kind: 'x' } })),
    ...Array.from({ length: 4 }, (_, i) => results(`f${i}`, [F, F, F], { tags: { kind: 'x' } })),
  ];

  it('are wider than naive Wilson when repeats agree within a case', () => {
    const builder = new SummaryBuilder(3);
    for (const r of agreeing.flat()) builder.add(r);
    const s = builder.build(0);
    expect(s.passRate).toBeCloseTo(0.6, 12);
    const [lo, hi] = s.interval!;
    expect(lo).toBeCloseTo(0.300475, 5);
    expect(hi).toBeCloseTo(0.839696, 5);
    const [nlo, nhi] = wilson(18, 30);
    expect(hi - lo).toBeGreaterThan(nhi - nlo);
    // Every stratum and every target gets the clustered interval too, not the naive one.
    expect(s.byTag.kind!.x!.interval).toEqual(s.interval);
    expect(s.byTarget.bot!.interval).toEqual(s.interval);
  });

  it('come back to Wilson on all trials when repeats vary as much within cases as between', () => {
    // Every case passes 2 of 3: no between-case variance, design effect clipped to 1.
    const builder = new SummaryBuilder(3);
    for (let i = 0; i < 10; i++) for (const r of results(`c${i}`, [T, F, T])) builder.add(r);
    const s = builder.build(0);
    const [lo, hi] = wilson(20, 30);
    expect(s.interval![0]).toBeCloseTo(lo, 12);
    expect(s.interval![1]).toBeCloseTo(hi, 12);
  });

  it('per stratum use only that stratum’s cases', () => {
    const builder = new SummaryBuilder(3);
    for (const r of agreeing.flat()) builder.add(r);
    // Stratum y: 3 cases that all pass every time. p = 1, so each case counts once: Wilson(3, 3).
    for (let i = 0; i < 3; i++)
      for (const r of results(`y${i}`, [T, T, T], { tags: { kind: 'y' } })) builder.add(r);
    const s = builder.build(0);
    const [lo, hi] = wilson(3, 3);
    expect(s.byTag.kind!.y!.interval![0]).toBeCloseTo(lo, 12);
    expect(s.byTag.kind!.y!.interval![1]).toBeCloseTo(hi, 12);
    expect(s.byTag.kind!.x!.interval![0]).toBeCloseTo(0.300475, 5);
  });
});
