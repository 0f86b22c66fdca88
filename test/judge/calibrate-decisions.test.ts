import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CalibrationDocument, calibrateCommand } from '../../src/cli/calibrate.js';
import type { ResultRecord } from '../../src/core/run.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

/**
 * `assay calibrate` end to end on the inputs of issue 12, item 6: a stored run whose judge scored on a
 * 1–5 scale, human labels in a JSONL file, the verdict and kappa read back from `--json`. Expected
 * values: test/judge/fixtures/calibration-decisions.py (SciPy/NumPy).
 */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-calibrate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function calibrateRun(
  name: string,
  judge: number[],
  ratings: number[][],
): Promise<CalibrationDocument> {
  const db = join(dir, `${name}.db`);
  const store = await openSqliteStore(db);
  const results: ResultRecord[] = judge.map((raw, i) => ({
    runId: name,
    caseId: `k${i}`,
    target: 'bot',
    repeat: 0,
    tags: {},
    output: { text: 'answer', latencyMs: 1 },
    pass: raw >= 4,
    scores: [
      {
        evaluator: 'rubric.accuracy',
        value: (raw - 1) / 4,
        pass: raw >= 4,
        details: { kind: 'rubric', raw, scale: [1, 5], threshold: 4, reasoning: `case ${i}` },
      },
    ],
    latencyMs: 1,
  }));
  await store.createRun({
    id: name,
    createdAt: new Date().toISOString(),
    status: 'completed',
    configHash: 'x',
    provenance: {
      assayVersion: 't',
      nodeVersion: 't',
      dataset: { name: 'd', version: 'v', cases: judge.length },
      targets: [],
      evaluators: [],
      configHash: 'x',
    },
  });
  await store.saveResults(results);
  await store.close();
  const labels = ratings.flatMap((rs, i) =>
    rs.map((score, k) => JSON.stringify({ caseId: `k${i}`, dimension: 'accuracy', rater: `r${k}`, score })),
  );
  writeFileSync(join(dir, `${name}.jsonl`), labels.join('\n'));
  const out = join(dir, `${name}.json`);
  const code = await calibrateCommand({ run: name, labels: join(dir, `${name}.jsonl`), json: out, db });
  expect(code).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as CalibrationDocument;
}

describe('assay calibrate decides on evidence (issue 12, item 6)', () => {
  it('(a) weights kappa on the declared 1–5 scale', async () => {
    const doc = await calibrateRun('scale', [5, 5, 1, 2, 1, 2], [[2], [2], [1], [2], [1], [5]]);
    expect(doc.calibrations[0]!.kappa).toBeCloseTo(0.08988764044943809, 12);
  });

  it('(c) Spearman 0.9 on 5 cases reads "not enough evidence", not "trusted"', async () => {
    const doc = await calibrateRun('five', [1, 2, 3, 4, 5], [[1], [3], [2], [4], [5]]);
    const cal = doc.calibrations[0]!;
    expect(cal.spearman!.value).toBeCloseTo(0.9, 12);
    expect(cal.spearman!.lo).toBeCloseTo(-0.16889565860999664, 10);
    expect(cal.verdict).toBe('not enough evidence');
  });

  it('(d) takes kappa over every rating, not the rounded mean', async () => {
    const doc = await calibrateRun(
      'raters',
      [2, 2, 2, 4, 4, 4, 1, 5, 3, 3],
      [
        [2, 3],
        [2, 3],
        [2, 3],
        [4, 5],
        [4, 5],
        [4, 5],
        [1, 1],
        [5, 5],
        [3, 3],
        [3, 3],
      ],
    );
    expect(doc.calibrations[0]!.kappa).toBeCloseTo(0.9032258064516129, 12);
  });
});
