import { describe, expect, it } from 'vitest';
import type { ResultRecord } from '../core/run.js';
import type { Score } from '../core/score.js';
import { SummaryBuilder } from './summary.js';

function result(
  caseId: string,
  outcome: 'pass' | 'fail' | 'error',
  extra: Partial<ResultRecord> = {},
): ResultRecord {
  const scores: Score[] =
    outcome === 'error'
      ? []
      : [{ evaluator: 'check', value: outcome === 'pass' ? 1 : 0, pass: outcome === 'pass' }];
  return {
    runId: 'r',
    caseId,
    target: 't',
    repeat: 0,
    tags: {},
    output: outcome === 'error' ? null : { text: 'x', latencyMs: 10 },
    pass: outcome === 'pass',
    ...(outcome === 'error' ? { error: 'boom' } : {}),
    scores,
    latencyMs: outcome === 'error' ? 0 : 10,
    ...extra,
  };
}

describe('SummaryBuilder', () => {
  it('counts passes, failures and errors; the pass rate leaves errors out', () => {
    const b = new SummaryBuilder();
    b.add(result('a', 'pass'));
    b.add(result('b', 'pass'));
    b.add(result('c', 'fail'));
    b.add(result('d', 'error'));
    const s = b.build(123);
    expect(s).toMatchObject({ total: 4, passed: 2, failed: 1, errors: 1, durationMs: 123 });
    expect(s.passRate).toBeCloseTo(2 / 3, 12);
    expect(s.interval![0]).toBeLessThan(2 / 3);
    expect(s.interval![1]).toBeGreaterThan(2 / 3);
  });

  it('groups by every tag key and value, and by target', () => {
    const b = new SummaryBuilder();
    b.add(result('a', 'pass', { tags: { difficulty: 'easy', type: 'factual' } }));
    b.add(result('b', 'fail', { tags: { difficulty: 'easy' } }));
    b.add(result('c', 'pass', { tags: { difficulty: 'hard' }, target: 'u' }));
    b.add(result('d', 'error', { tags: { difficulty: 'hard' } }));
    const s = b.build(0);
    expect(Object.keys(s.byTag)).toEqual(['difficulty', 'type']);
    expect(s.byTag.difficulty!.easy).toMatchObject({
      total: 2,
      passed: 1,
      failed: 1,
      errors: 0,
      passRate: 0.5,
    });
    expect(s.byTag.difficulty!.hard).toMatchObject({ total: 2, passed: 1, errors: 1, passRate: 1 });
    expect(s.byTag.type!.factual).toMatchObject({ total: 1, passed: 1 });
    expect(s.byTarget.t).toMatchObject({ total: 3, passed: 1, failed: 1, errors: 1 });
    expect(s.byTarget.u).toMatchObject({ total: 1, passed: 1 });
  });

  it('a stratum with only errors has no pass rate interval', () => {
    const b = new SummaryBuilder();
    b.add(result('a', 'error', { tags: { edge: 'yes' } }));
    expect(b.build(0).byTag.edge!.yes).toMatchObject({ passRate: 0, errors: 1 });
    expect(b.build(0).byTag.edge!.yes!.interval).toBeUndefined();
  });

  it('per evaluator: mean over computed scores only, errors counted apart', () => {
    const b = new SummaryBuilder();
    b.add(result('a', 'pass', { scores: [{ evaluator: 'sim', value: 0.8, pass: true }] }));
    b.add(result('b', 'fail', { scores: [{ evaluator: 'sim', value: 0.2, pass: false }] }));
    b.add(
      result('c', 'pass', { scores: [{ evaluator: 'sim', value: null, pass: null, error: 'judge down' }] }),
    );
    b.add(result('d', 'pass', { scores: [{ evaluator: 'cost', value: null, pass: null }] }));
    const s = b.build(0);
    expect(s.byEvaluator.sim).toEqual({ evaluator: 'sim', count: 3, passed: 1, errors: 1, meanScore: 0.5 });
    expect(s.byEvaluator.cost).toEqual({
      evaluator: 'cost',
      count: 1,
      passed: 0,
      errors: 0,
      meanScore: null,
    });
  });

  it('latency percentiles over answered results; tokens, cost and cache hits summed', () => {
    const b = new SummaryBuilder();
    for (let i = 1; i <= 100; i++) {
      b.add(
        result(`c${i}`, 'pass', {
          latencyMs: i,
          output: { text: 'x', latencyMs: i, ...(i <= 10 ? { cached: true } : {}) },
          tokens: { input: 10, output: 5 },
          costUsd: 0.001,
        }),
      );
    }
    b.add(result('err', 'error', { latencyMs: 99_999 }));
    const s = b.build(0);
    expect(s.latencyMs.p50).toBeCloseTo(50.5, 6);
    expect(s.latencyMs.p95).toBeGreaterThan(94);
    expect(s.latencyMs.p95).toBeLessThan(97);
    expect(s.latencyMs.p99).toBeGreaterThan(98);
    expect(s.latencyMs.max).toBe(100);
    expect(s.latencyMs.mean).toBeCloseTo(50.5, 6);
    expect(s.tokens).toEqual({ input: 1000, output: 500, total: 1500 });
    expect(s.costUsd).toBeCloseTo(0.1, 10);
    expect(s.cached).toBe(10);
  });

  it('an empty run has zeros, not NaN', () => {
    const s = new SummaryBuilder().build(0);
    expect(s).toMatchObject({
      total: 0,
      passRate: 0,
      latencyMs: { p50: 0, p95: 0, p99: 0, mean: 0, max: 0 },
    });
  });
});
