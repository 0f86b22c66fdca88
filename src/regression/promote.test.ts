import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordRun, tempStore } from '../../test/helpers/regression-store.js';
import type { Case } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import { loadDataset } from '../datasets/load.js';
import type { SqliteStore } from '../store/sqlite.js';
import { promote } from './promote.js';
import { regressionKey } from './regression-row.js';

const golden: Case[] = [
  { id: 'q1', vars: { question: 'one?' }, expected: 'right', tags: { type: 'factual' } },
  { id: 'q2', vars: { question: 'two?' }, expected: 'right', tags: { type: 'factual' }, sources: ['doc-2'] },
  { id: 'q3', vars: { question: 'three?' }, expected: 'right', tags: {} },
  { id: 'q4', vars: { question: 'four?' }, expected: 'right', tags: {} },
];

let ctx: Awaited<ReturnType<typeof tempStore>>;
let store: SqliteStore;
let file: string;
const now = new Date('2025-01-02T03:04:05.000Z');

beforeEach(async () => {
  ctx = await tempStore();
  store = ctx.store;
  file = join(ctx.dir, 'regressions.jsonl');
  await recordRun(store, {
    id: 'run-1',
    createdAt: '2025-01-01T00:00:00.000Z',
    dataset: 'golden',
    cases: golden,
    results: [
      { caseId: 'q1', pass: true },
      { caseId: 'q1', target: 'other', pass: true },
      { caseId: 'q2', pass: false, text: 'a wrong answer' },
      { caseId: 'q2', target: 'other', pass: true },
      { caseId: 'q3', error: 'bot answered HTTP 500' },
      { caseId: 'q4', target: 'other', pass: false },
    ],
  });
});
afterEach(() => ctx.cleanup());

const rows = () =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('promote', () => {
  it('writes the failed cases as regression cases: vars, expected, tags, origin, where from, what was observed', async () => {
    const report = await promote(store, { runId: 'run-1', failed: true, to: file, now });
    expect(report.added).toEqual([
      { id: 'q2', caseId: 'q2', target: 'bot', failed: true },
      { id: 'q4', caseId: 'q4', target: 'other', failed: true },
    ]);
    const [q2, q4] = rows();
    expect(q2).toEqual({
      id: 'q2',
      question: 'two?',
      expected: 'right',
      sources: ['doc-2'],
      tags: { type: 'factual' },
      origin: 'regression',
      promotedFrom: {
        runId: 'run-1',
        caseId: 'q2',
        target: 'bot',
        dataset: expect.stringMatching(/^golden@[0-9a-f]{16}$/),
        promotedAt: '2025-01-02T03:04:05.000Z',
      },
      observed: {
        target: 'bot',
        text: 'a wrong answer',
        scores: [{ evaluator: 'contains', value: 0, pass: false, reason: 'expected "right"' }],
      },
    });
    expect(q4.promotedFrom.target).toBe('other');

    // The file is a dataset like any other; the promotion record does not become a template var.
    const dataset = await loadDataset(file);
    expect(dataset.cases.map((c) => c.id)).toEqual(['q2', 'q4']);
    const c = dataset.cases[0]!;
    expect(c.vars).toEqual({ question: 'two?' });
    expect(c.origin).toBe('regression');
    expect(c.promotedFrom?.runId).toBe('run-1');
    expect((c.observed as { text: string }).text).toBe('a wrong answer');
    expect(regressionKey(c)).toBe(regressionKey(golden[1]!));
  });

  it('adds nothing twice: a second promotion of the same run finds every case already there', async () => {
    await promote(store, { runId: 'run-1', failed: true, to: file, now });
    const before = readFileSync(file, 'utf8');
    const again = await promote(store, { runId: 'run-1', failed: true, errors: true, to: file, now });
    expect(again.added.map((a) => a.caseId)).toEqual(['q3']);
    expect(again.duplicates).toEqual([
      { caseId: 'q2', existingId: 'q2' },
      { caseId: 'q4', existingId: 'q4' },
    ]);
    expect(readFileSync(file, 'utf8').startsWith(before)).toBe(true);
    expect(rows().map((r) => r.id)).toEqual(['q2', 'q4', 'q3']);
    expect(rows()[2].observed).toEqual({ target: 'bot', error: 'bot answered HTTP 500', scores: [] });
  });

  it('recognises a case by content, whatever its id, and renames a case whose id is taken', async () => {
    writeFileSync(
      file,
      `${JSON.stringify({ id: 'old-name', question: 'two?', expected: 'right', sources: ['doc-2'], origin: 'regression' })}\n${JSON.stringify({ id: 'q4', question: 'something else', origin: 'regression' })}`,
    );
    const report = await promote(store, { runId: 'run-1', failed: true, to: file, now });
    expect(report.duplicates).toEqual([{ caseId: 'q2', existingId: 'old-name' }]);
    expect(report.added).toHaveLength(1);
    expect(report.added[0]!.id).toMatch(/^q4~[0-9a-f]{8}$/);
    // Appended on a line of its own although the file did not end with a newline.
    expect(rows().map((r) => r.id)).toEqual(['old-name', 'q4', report.added[0]!.id]);
  });

  it('promotes chosen cases whatever their outcome; a passing one has nothing observed', async () => {
    const report = await promote(store, { runId: 'run-1', caseIds: ['q1'], to: file, now });
    expect(report.added).toEqual([{ id: 'q1', caseId: 'q1', target: 'bot', failed: false }]);
    expect(rows()[0].observed).toBeUndefined();
  });

  it('accepts a unique prefix of the run id', async () => {
    const report = await promote(store, { runId: 'run-', failed: true, to: file, now });
    expect(report.run.id).toBe('run-1');
  });

  it('refuses an unknown run, an unknown case, no selection and a non-JSONL file before writing anything', async () => {
    const refuse = async (p: Promise<unknown>, code: string, why: RegExp) => {
      const error = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AssayError);
      expect((error as AssayError).code).toBe(code);
      expect((error as AssayError).message).toMatch(why);
    };
    await refuse(promote(store, { runId: 'nope', failed: true, to: file }), 'run.not-found', /no run "nope"/);
    await refuse(
      promote(store, { runId: 'run-1', caseIds: ['q9'], to: file }),
      'input.invalid',
      /no result for case "q9"/,
    );
    await refuse(
      promote(store, { runId: 'run-1', to: file }),
      'input.invalid',
      /--failed, --errors or --case/,
    );
    await refuse(
      promote(store, { runId: 'run-1', failed: true, to: join(ctx.dir, 'r.csv') }),
      'input.invalid',
      /\.jsonl/,
    );
    expect(() => readFileSync(file)).toThrow();
  });
});
