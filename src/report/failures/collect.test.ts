import { describe, expect, it } from 'vitest';
import { THEMES } from '../../../test/fixtures/failure-themes.js';
import type { Case } from '../../core/case.js';
import type { ResultRecord } from '../../core/run.js';
import { FailureCollector, resultId } from './collect.js';
import { tokenize } from './tokenize.js';

function result(caseId: string, pass: boolean, extra: Partial<ResultRecord> = {}): ResultRecord {
  return {
    runId: 'r',
    caseId,
    target: 'bot',
    repeat: 0,
    tags: { type: caseId.split('-')[0]! },
    output: { text: 'an answer', latencyMs: 10 },
    pass,
    scores: [
      pass
        ? { evaluator: 'exact', value: 1, pass: true }
        : { evaluator: 'exact', value: 0, pass: false, reason: `expected ${caseId.length} words` },
    ],
    latencyMs: 10,
    ...extra,
  };
}

describe('FailureCollector', () => {
  it('clusters failed cases from three planted themes into three clusters with the right members', async () => {
    const collector = new FailureCollector();
    const cases = new Map<string, Case>();
    for (const [theme, questions] of Object.entries(THEMES))
      for (const [i, question] of questions.entries())
        cases.set(`${theme}-${i}`, { id: `${theme}-${i}`, vars: { question }, tags: {} });
    for (let i = 0; i < 10; i++)
      cases.set(`ok-${i}`, { id: `ok-${i}`, vars: { question: `fine question ${i}` }, tags: {} });
    for (const c of cases.values()) collector.add(result(c.id, c.id.startsWith('ok-')), c);
    const analysis = await collector.analyze({ seed: 11 });
    expect(analysis.failed).toBe(18);
    expect(analysis.clusters.groups).toHaveLength(3);
    const members = analysis.clusters.groups.map((g) =>
      g.members.map((id) => id.split('/')[1]!.split('-')[0]),
    );
    for (const m of members) expect(new Set(m).size).toBe(1);
    expect(members.map((m) => m[0]).sort()).toEqual(['legacy', 'password', 'refund']);
    const legacy = analysis.clusters.groups.find((g) => g.members[0]!.startsWith('bot/legacy'))!;
    expect(legacy).toMatchObject({ size: 6, cases: 6 });
    expect(legacy.members.sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `bot/legacy-${i}`));
    expect(legacy.terms.slice(0, 2)).toEqual(expect.arrayContaining(['legacy']));
    expect(legacy.examples[0]).toBe(THEMES.legacy[0]);
  });

  it('counts failures by tag and evaluator, keeps errors apart, and orders the worst first', async () => {
    const collector = new FailureCollector();
    collector.add(result('a-1', true));
    collector.add(result('a-2', false));
    collector.add(
      result('b-1', false, {
        scores: [
          { evaluator: 'exact', value: 0, pass: false, reason: 'took 612 ms' },
          { evaluator: 'judge', value: 0.1, pass: false, reason: 'wrong' },
        ],
      }),
    );
    collector.add(result('b-2', false, { output: null, error: 'HTTP 500', scores: [] }));
    collector.add(
      result('b-3', false, {
        error: 'evaluator judge: bad verdict',
        scores: [{ evaluator: 'judge', value: null, pass: null, error: 'bad verdict' }],
      }),
    );
    const a = await collector.analyze();
    expect(a).toMatchObject({ results: 5, failed: 2, errors: { target: 1, evaluator: 1 } });
    expect(a.byTag).toEqual([
      { key: 'type', value: 'a', total: 2, failed: 1, errors: 0, failRate: 0.5 },
      { key: 'type', value: 'b', total: 3, failed: 1, errors: 2, failRate: 1 / 3 },
    ]);
    const exact = a.byEvaluator.find((e) => e.evaluator === 'exact')!;
    // "expected 3 words" and "took 612 ms" differ beyond their numbers: two reasons.
    expect(exact).toMatchObject({ scored: 3, failed: 2, errors: 0 });
    expect(a.byEvaluator.find((e) => e.evaluator === 'judge')).toMatchObject({
      scored: 2,
      failed: 1,
      errors: 1,
    });
    expect(a.failures.map((f) => f.id)).toEqual(['bot/b-1', 'bot/a-2', 'bot/b-2', 'bot/b-3']);
    expect(a.attribution).toBeUndefined();
  });

  it('attributes RAG failures to retrieval or generation from the case sources', async () => {
    const collector = new FailureCollector();
    const c = (id: string, sources: string[]): Case => ({ id, vars: { question: id }, sources, tags: {} });
    const withContexts = (ids: string[]) => ({
      text: 'x',
      latencyMs: 1,
      contexts: ids.map((id) => ({ id, text: id })),
    });
    collector.add(result('r-1', false, { output: withContexts(['kb-2']) }), c('r-1', ['kb-1']));
    collector.add(result('r-2', false, { output: withContexts(['kb-1']) }), c('r-2', ['kb-1']));
    collector.add(result('r-3', false, { output: withContexts(['kb-9']) }), c('r-3', ['kb-1']));
    collector.add(result('r-4', false), c('r-4', ['kb-1']));
    const a = await collector.analyze();
    expect(a.attribution).toEqual({ attributed: 3, retrieval: 2, generation: 1, notAttributable: 1 });
    expect(a.failures.find((f) => f.caseId === 'r-1')!.attribution).toEqual({
      attribution: 'retrieval',
      missing: ['kb-1'],
    });
  });

  it('names results target/case#repeat', () => {
    expect(resultId({ target: 't', caseId: 'c', repeat: 0 })).toBe('t/c');
    expect(resultId({ target: 't', caseId: 'c', repeat: 2 })).toBe('t/c#2');
  });
});

describe('tokenize', () => {
  it('keeps content words, folds plurals, drops stop words and bare numbers', () => {
    expect(tokenize("Why were my Products' refunds denied in 2024? It's the 3rd time")).toEqual([
      'product',
      'refund',
      'denied',
      '3rd',
      'time',
    ]);
    expect(tokenize('Café prices, naïve users')).toEqual(['café', 'price', 'naïve', 'user']);
  });
});
