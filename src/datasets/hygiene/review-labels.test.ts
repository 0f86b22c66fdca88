import { describe, expect, it } from 'vitest';
import type { Case } from '../../core/case.js';
import type { AggregatedReviewItem } from '../../review/export.js';
import type { LabelRow, Queue } from '../../review/model.js';
import { correctRule, type ReviewedQueue, reviewLabelCheck } from './review-labels.js';

const queue = (dimensions: Queue['dimensions']): Queue => ({
  id: 'rq_1',
  projectId: 'p',
  createdAt: '2026-01-01T00:00:00.000Z',
  name: 'answers',
  dimensions,
  raters: 3,
  trapRate: 0,
  aggregation: 'mean',
  leaseMinutes: 30,
});

const row = (itemId: string, userId: string, accuracy: number): LabelRow => ({
  itemId,
  userId,
  queueId: 'rq_1',
  state: 'labelled',
  leaseUntilMs: 0,
  updatedMs: 0,
  scores: { accuracy },
});

function item(
  id: string,
  source: Record<string, unknown>,
  rows: LabelRow[],
  extra = {},
): AggregatedReviewItem {
  const xs = rows.filter((r) => r.itemId === id).map((r) => r.scores!.accuracy as number);
  return {
    id,
    queueId: 'rq_1',
    seq: 0,
    input: 'q',
    output: 'out',
    source,
    aggregate: {
      itemId: id,
      scores: xs.length ? { accuracy: xs.reduce((a, b) => a + b) / xs.length } : {},
      n: xs.length,
    },
    ...extra,
  };
}

describe('reviewLabelCheck', () => {
  it('reads the first dimension with the top quarter of its scale as correct, labels by name', () => {
    expect(correctRule(queue([{ name: 'accuracy', scale: [1, 5] }]), {})).toMatchObject({
      dimension: 'accuracy',
      correct: { atLeast: 4 },
    });
    expect(correctRule(queue([{ name: 'v', labels: ['bad', 'good'] }]), {})).toMatchObject({
      correct: { labels: ['good'] },
    });
    expect(correctRule(queue([{ name: 'v', labels: ['ok', 'off'] }]), {})).toMatchObject({
      correct: { labels: ['ok'] },
    });
    expect(correctRule(queue([{ name: 'v', labels: ['ok', 'off'] }]), { pass: ['fine'] })).toEqual({
      reason: 'v has no label fine',
    });
    expect(correctRule(queue([{ name: 'v', labels: ['ok', 'off'] }]), { dimension: 'x' })).toEqual({
      reason: 'no dimension "x"',
    });
  });

  it('a case exported from a queue disagrees when its rubric scores and the newer labels give other verdicts', () => {
    const rows = [
      row('itm_a', 'ana', 2),
      row('itm_a', 'ben', 1),
      row('itm_a', 'cy', 5),
      row('itm_b', 'ana', 5),
    ];
    const q: ReviewedQueue = {
      queue: queue([{ name: 'accuracy', scale: [1, 5] }]),
      items: [item('itm_a', { kind: 'trace' }, rows), item('itm_b', { kind: 'trace' }, rows)],
      rows,
    };
    const exported = (id: string, accuracy: number): Case => ({
      id,
      vars: { input: 'q', output: 'out' },
      tags: {},
      expected: { scores: { accuracy } },
      origin: 'review',
      reviewedFrom: { queue: 'answers', item: id },
    });
    const check = reviewLabelCheck([exported('itm_a', 4.5), exported('itm_b', 5)], [q]);
    expect(check.compared).toBe(2);
    expect(check.disagreements).toEqual([
      {
        caseId: 'itm_a',
        queue: 'answers',
        kind: 'labels-changed',
        expected: { scores: { accuracy: 4.5 } },
        verdict: { pass: true, by: 'expected-scores' },
        humans: {
          verdict: 'incorrect',
          dimension: 'accuracy',
          ratings: 3,
          agreement: 0.667,
          fewRaters: false,
        },
        items: [{ item: 'itm_a', score: 8 / 3, ratings: 3, agreement: 0.667 }],
        agreeing: 0,
      },
    ]);
  });

  it('a run item counts only for the case it was made from as the file has it now', () => {
    const rows = [row('itm_a', 'ana', 5), row('itm_a', 'ben', 5)];
    const source = {
      kind: 'run',
      runId: 'r1',
      caseId: 'c1',
      target: 't',
      vars: { question: 'q' },
      pass: false,
    };
    const q: ReviewedQueue = {
      queue: queue([{ name: 'accuracy', scale: [1, 5] }]),
      items: [item('itm_a', source, rows, { reference: 'x' })],
      rows,
    };
    const c: Case = { id: 'c1', vars: { question: 'q' }, tags: {}, expected: 'x' };
    expect(reviewLabelCheck([c], [q]).disagreements.map((d) => d.kind)).toEqual([
      'correct-output-fails-expected',
    ]);
    // A calibration item of `review add --disagreements` is the run's output too.
    const calibration = {
      ...q,
      items: [item('itm_a', { ...source, kind: 'disagreement' }, rows, { reference: 'x' })],
    };
    expect(reviewLabelCheck([c], [calibration]).disagreements).toHaveLength(1);
    // A run whose evaluators against expected all gave null (no reference, say) has no verdict on it.
    const unscored = {
      ...q,
      items: [item('itm_a', { ...source, expectedEvaluators: ['exact-match'] }, rows, { reference: 'x' })],
    };
    expect(reviewLabelCheck([c], [unscored]).notCompared).toEqual({
      'no evaluator compared the output with expected': 1,
    });
    // Another dataset's c1 (other variables): not this case's review.
    expect(reviewLabelCheck([{ ...c, vars: { question: 'other' } }], [q]).items).toBe(0);
    // Expected edited since the run: the run's verdict says nothing about the new one.
    const edited = reviewLabelCheck([{ ...c, expected: 'y' }], [q]);
    expect(edited.disagreements).toEqual([]);
    expect(edited.notCompared).toEqual({ 'expected changed since the run': 1 });
  });
});
