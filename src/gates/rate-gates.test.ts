import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../core/summary.js';
import { SummaryBuilder } from '../runner/summary.js';
import { checkGates } from './rate-gates.js';

function summary(rows: [difficulty: string, outcome: 'pass' | 'fail' | 'error'][]): RunSummary {
  const b = new SummaryBuilder();
  rows.forEach(([difficulty, outcome], i) => {
    b.add({
      runId: 'r',
      caseId: `c${i}`,
      target: 't',
      repeat: 0,
      tags: { difficulty },
      output: outcome === 'error' ? null : { text: '', latencyMs: 1 },
      pass: outcome === 'pass',
      ...(outcome === 'error' ? { error: 'x' } : {}),
      scores: [],
      latencyMs: 1,
    });
  });
  return b.build(0);
}

// 8 easy (7 pass), 4 hard (2 pass), 1 hard error.
const S = summary([
  ...Array.from({ length: 7 }, () => ['easy', 'pass'] as ['easy', 'pass']),
  ['easy', 'fail'],
  ['hard', 'pass'],
  ['hard', 'pass'],
  ['hard', 'fail'],
  ['hard', 'fail'],
  ['hard', 'error'],
]);

describe('checkGates', () => {
  it('the overall pass rate, at or above the threshold', () => {
    expect(checkGates(S, { passRate: 0.75 })[0]).toEqual({
      gate: 'passRate',
      pass: true,
      actual: 0.75,
      threshold: 0.75,
      message: 'passRate: 75.0% ≥ 75.0%',
    });
    expect(checkGates(S, { passRate: 0.8 })[0]).toMatchObject({
      pass: false,
      message: 'passRate: 75.0% < 80.0%',
    });
  });

  it('one stratum (key=value), or every value of a key', () => {
    expect(checkGates(S, { tags: { 'difficulty=easy': 0.85 } })[0]).toMatchObject({
      gate: 'tags.difficulty=easy',
      pass: true,
      actual: 7 / 8,
    });
    const all = checkGates(S, { tags: { difficulty: 0.6 }, maxErrorRate: 0.1 });
    expect(all.map((g) => [g.gate, g.pass])).toEqual([
      ['tags.difficulty=easy', true],
      ['tags.difficulty=hard', false],
      ['maxErrorRate', true],
    ]);
  });

  it('a gate on a stratum with no judged cases fails rather than passing silently', () => {
    expect(checkGates(S, { tags: { 'difficulty=expert': 0.5 } })[0]).toMatchObject({
      pass: false,
      actual: null,
    });
    expect(checkGates(S, { tags: { segment: 0.5 } })[0]).toMatchObject({ gate: 'tags.segment', pass: false });
    expect(checkGates(summary([['easy', 'error']]), { passRate: 0 })[0]).toMatchObject({ pass: false });
  });

  it('maxErrors as a count or as a fraction of results', () => {
    expect(checkGates(S, { maxErrors: 1 })[0]).toMatchObject({ pass: true, actual: 1, threshold: 1 });
    expect(checkGates(S, { maxErrors: 0 })[0]).toMatchObject({ pass: false, message: '1 errors > 0' });
    expect(checkGates(S, { maxErrors: 0.05 })[0]).toMatchObject({ pass: false, threshold: 0.65 });
    expect(checkGates(S, { maxErrors: 0.1 })[0]).toMatchObject({ pass: true });
  });

  it('errors: at most 1% of results by default, listed once there are any; maxErrorRate sets it', () => {
    expect(checkGates(S, {})).toEqual([
      {
        gate: 'maxErrorRate',
        pass: false,
        actual: 1 / 13,
        threshold: 0.01,
        message: 'maxErrorRate: 1 error in 13 results (7.7%) > 1.0%',
      },
    ]);
    expect(checkGates(S, { maxErrorRate: 0.1 })[0]).toMatchObject({ pass: true, threshold: 0.1 });
    // An explicit error count replaces the default rate.
    expect(checkGates(S, { maxErrors: 1 }).map((g) => g.gate)).toEqual(['maxErrors']);
    const clean = summary([['easy', 'pass']]);
    expect(checkGates(clean, {})).toEqual([]);
    expect(checkGates(clean, { maxErrorRate: 0 })[0]).toMatchObject({
      gate: 'maxErrorRate',
      pass: true,
      actual: 0,
    });
  });
});
