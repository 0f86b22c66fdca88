import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordRun, tempStore } from '../../test/helpers/regression-store.js';
import type { Case } from '../core/case.js';
import type { RunRecord } from '../core/run.js';
import { formatRebroken } from '../report/rebroken.js';
import type { SqliteStore } from '../store/sqlite.js';
import { rebrokenCases, rebrokenGate } from './rebroken.js';
import { checkRebroken } from './rebroken-check.js';

const reg = (id: string): Case => ({
  id,
  vars: { q: id },
  tags: {},
  origin: 'regression',
  promotedFrom: { runId: 'run-0', caseId: id, target: 'bot' },
});
const cases: Case[] = [reg('r1'), reg('r2'), reg('r3'), reg('r4'), { id: 'g1', vars: { q: 'g1' }, tags: {} }];

let ctx: Awaited<ReturnType<typeof tempStore>>;
let store: SqliteStore;
let now: RunRecord;

beforeEach(async () => {
  ctx = await tempStore();
  store = ctx.store;
  const at = (d: string) => `2025-01-${d}.000Z`;
  await recordRun(store, {
    id: 'A',
    createdAt: at('01T00:00:00'),
    dataset: 'regressions',
    cases,
    results: [
      { caseId: 'r1', pass: true },
      { caseId: 'r2', pass: false },
      { caseId: 'r3', pass: true },
      { caseId: 'r4', pass: true },
      { caseId: 'g1', pass: true },
    ],
  });
  await recordRun(store, {
    id: 'A2',
    createdAt: at('01T12:00:00'),
    dataset: 'regressions',
    cases,
    results: [{ caseId: 'r1', pass: true }],
  });
  // Passes that must not count: another dataset, an unfinished run, a later run.
  await recordRun(store, {
    id: 'other-dataset',
    createdAt: at('01T13:00:00'),
    dataset: 'golden',
    cases,
    results: [{ caseId: 'r2', pass: true }],
  });
  await recordRun(store, {
    id: 'interrupted',
    createdAt: at('01T14:00:00'),
    dataset: 'regressions',
    cases,
    status: 'interrupted',
    results: [{ caseId: 'r2', pass: true }],
  });
  now = await recordRun(store, {
    id: 'B',
    createdAt: at('02T00:00:00'),
    dataset: 'regressions',
    cases,
    results: [
      { caseId: 'r1', pass: false },
      { caseId: 'r2', pass: false },
      { caseId: 'r3', target: 'other', pass: false },
      { caseId: 'r3', pass: true },
      { caseId: 'r4', error: 'HTTP 500' },
      { caseId: 'g1', pass: false },
    ],
  });
  await recordRun(store, {
    id: 'later',
    createdAt: at('03T00:00:00'),
    dataset: 'regressions',
    cases,
    results: [{ caseId: 'r2', pass: true }],
  });
});
afterEach(() => ctx.cleanup());

describe('rebrokenCases', () => {
  it('finds regression cases that passed on a target in an earlier completed run of the dataset and fail now', async () => {
    const found = await rebrokenCases(store, now, cases);
    expect(found).toEqual([
      {
        caseId: 'r1',
        target: 'bot',
        passedIn: { runId: 'A2', createdAt: '2025-01-01T12:00:00.000Z' },
        promotedFrom: { runId: 'run-0', caseId: 'r1', target: 'bot' },
        reasons: ['contains: expected "right"'],
      },
    ]);
    // r2 never passed (in a run that counts); r3 passed on another target only; r4 is an error,
    // not an answer; g1 is not a regression case.
  });

  it('needs regression cases: none in the dataset, none re-broken', async () => {
    const plain = cases.map(({ origin: _o, ...c }) => c);
    expect(await rebrokenCases(store, now, plain)).toEqual([]);
  });

  it('finds nothing in the first run of a dataset', async () => {
    const first = (await store.getRun('A'))!;
    expect(await rebrokenCases(store, first, cases)).toEqual([]);
  });
});

describe('the rebroken gate and report', () => {
  it('fails when more cases came back than allowed', () => {
    expect(rebrokenGate(1, 0)).toEqual({
      gate: 'rebroken',
      pass: false,
      actual: 1,
      threshold: 0,
      message: 'rebroken: 1 re-broken regression case > 0',
    });
    expect(rebrokenGate(0, 0).pass).toBe(true);
    expect(rebrokenGate(2, 2).pass).toBe(true);
  });

  it('after a run: gives the gate, stores the list, and says which cases', async () => {
    const check = (await checkRebroken({ store, run: now, cases, max: 0 }))!;
    expect(check.cases.map((c) => c.caseId)).toEqual(['r1']);
    expect(check.gate).toEqual(expect.objectContaining({ gate: 'rebroken', pass: false, actual: 1 }));
    const [artifact] = await store.artifacts('B', 'rebroken');
    expect((artifact!.value as { caseId: string }[])[0]!.caseId).toBe('r1');
    expect(formatRebroken(check.cases, check.regressionCases)).toBe(
      [
        'Re-broken: 1 regression case result passed before and fail again',
        '  r1 on bot · passed in run A2 · promoted from run run-0 · contains: expected "right"',
      ].join('\n'),
    );
  });

  it('without the gate, reports but gates nothing; without regression cases, says so', async () => {
    const check = (await checkRebroken({ store, run: now, cases }))!;
    expect(check.gate).toBeUndefined();
    expect(check.cases).toHaveLength(1);
    expect(formatRebroken([], 0)).toBe('Re-broken: no regression case in this dataset');
    expect(formatRebroken([], 3)).toBe('Re-broken: none (3 regression cases)');
    expect(await checkRebroken({ store, run: now, cases: [cases[4]!] })).toBeUndefined();
  });
});
