import { describe, expect, it } from 'vitest';
import type { Case } from '../../core/case.js';
import { healthOf } from './health.js';

const TOPICS = [
  'refund',
  'invoice',
  'password',
  'delivery',
  'warranty',
  'subscription',
  'flight',
  'mortgage',
];
const VERBS = ['cancel', 'change', 'check', 'dispute', 'renew', 'track', 'update', 'transfer'];

function mk(i: number, question: string, extra: Partial<Case> = {}): Case {
  return {
    id: `c${i}`,
    vars: { question },
    expected: 'ok',
    tags: { type: i % 5 < 2 ? 'multi-step' : 'simple' },
    ...extra,
  };
}

/** 100 distinct questions of 12-16 words; every pair differs in most of its 3-word shingles. */
function cases(): Case[] {
  return Array.from({ length: 100 }, (_, i) =>
    mk(
      i,
      `Case ${i}: how can I ${VERBS[i % 8]} the ${TOPICS[(i * 3) % 8]} for order ${1000 + i * 7} placed on day ${i % 28} of month ${i % 12} please`,
    ),
  );
}

describe('healthOf', () => {
  it('finds planted near duplicates and exact duplicates, and nothing in a clean set', () => {
    const clean = cases();
    expect(healthOf(clean).problems).toEqual([]);
    const planted = [
      ...clean,
      // c5 reworded by one word, c40 with another casing and punctuation, c77 with a word appended.
      mk(200, String(clean[5]!.vars.question).replace('please', 'thanks')),
      mk(201, String(clean[40]!.vars.question).toUpperCase().replaceAll(' ', '  ').concat('?!')),
      mk(202, `${String(clean[77]!.vars.question)} soon`),
    ];
    const report = healthOf(planted);
    expect(report.duplicates.exact).toEqual([['c40', 'c201']]);
    expect(report.duplicates.near.map((p) => [p.a, p.b])).toEqual([
      ['c5', 'c200'],
      ['c77', 'c202'],
    ]);
    expect(report.problems).toHaveLength(3);
  });

  it('counts strata against targets, and flags missing expected, length outliers and stale cases', () => {
    const list = cases();
    list[3] = { ...list[3]!, expected: undefined };
    list[8] = mk(8, `${'a very long rambling question '.repeat(30)}`);
    list[9] = mk(9, 'Case 9: when did my account open', {
      vars: { question: 'x y z', created: '2020-01-01' },
    });
    const report = healthOf(list, {
      strata: { type: { simple: 0.4, 'multi-step': 0.6 } },
      needsExpected: true,
      now: Date.parse('2026-12-01'),
    });
    expect(report.strata).toEqual([
      { tag: 'type', value: 'simple', count: 60, share: 0.6, target: 0.4 },
      { tag: 'type', value: 'multi-step', count: 40, share: 0.4, target: 0.6 },
    ]);
    expect(report.missingExpected).toEqual(['c3']);
    expect(report.lengthOutliers.map((o) => o.caseId)).toEqual(['c8', 'c9']);
    expect(report.stale).toEqual([{ caseId: 'c9', created: '2020-01-01', since: 'created' }]);
    // Two strata off target, one missing expected, one line of outliers, one of stale cases.
    expect(report.problems.length).toBe(5);
  });
});
