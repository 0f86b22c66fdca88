import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CalibrationDocument, calibrateCommand } from '../../src/cli/calibrate.js';
import type { ResultRecord } from '../../src/core/run.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { ROOT } from '../helpers/build.js';

/**
 * A real calibration: HANNA (Chhun et al. 2022/2024), 1,056 generated stories each rated for
 * Relevance by three humans, and by ChatGPT. ChatGPT plays the judge of a stored run; the humans'
 * ratings are the labels. The expected figures come from SciPy/NumPy, not from Assay:
 * test/judge/fixtures/hanna-expected.py.
 */
const DATA = resolve(
  ROOT,
  process.env.ASSAY_TEST_DATA ?? '../shared/data',
  'hanna/hanna_metric_scores_llm.csv',
);
const present = existsSync(DATA);
if (!present)
  console.warn(`calibrate-hanna: skipped, the HANNA data set is not at ${DATA} (set ASSAY_TEST_DATA)`);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-hanna-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!present)('assay calibrate on HANNA (human vs ChatGPT ratings of 1,056 stories)', () => {
  it('reports the correlations, kappa, pass agreement and the raters’ own agreement', async () => {
    const rows = parse(readFileSync(DATA, 'utf8'), { columns: true }) as Record<string, string>[];
    const column = (name: string) => rows.flatMap((row) => JSON.parse(row[name]!) as number[]);
    const ids = rows.flatMap((row) => Array.from({ length: 96 }, (_, i) => `${row.Model}#${i}`));
    const judge = column('ChatGPT RE 1');
    const humans = [1, 2, 3].map((k) => column(`Human ${k} RE`));
    expect(ids).toHaveLength(1056);

    const db = join(dir, 'assay.db');
    const store = await openSqliteStore(db);
    const results: ResultRecord[] = ids.map((caseId, i) => ({
      runId: 'hanna',
      caseId,
      target: 'storyteller',
      repeat: 0,
      tags: {},
      output: { text: 'a story', latencyMs: 1 },
      pass: judge[i]! >= 4,
      scores: [
        {
          evaluator: 'rubric.relevance',
          value: (judge[i]! - 1) / 4,
          pass: judge[i]! >= 4,
          details: {
            kind: 'rubric',
            judge: 'chatgpt',
            raw: judge[i]!,
            scale: [1, 5],
            threshold: 4,
            reasoning: `story ${i}`,
          },
        },
      ],
      latencyMs: 1,
    }));
    await store.createRun({
      id: 'hanna',
      createdAt: new Date().toISOString(),
      status: 'completed',
      configHash: 'x',
      provenance: {
        assayVersion: 't',
        nodeVersion: 't',
        dataset: { name: 'hanna', version: 'v', cases: 1056 },
        targets: [],
        evaluators: [],
        configHash: 'x',
      },
    });
    await store.saveResults(results);
    await store.close();
    const labels = ids.flatMap((caseId, i) =>
      humans.map((h, k) =>
        JSON.stringify({ caseId, dimension: 'relevance', rater: `human${k + 1}`, score: h[i] }),
      ),
    );
    writeFileSync(join(dir, 'human.jsonl'), labels.join('\n'));

    const out = join(dir, 'calibration.json');
    const code = await calibrateCommand({ run: 'hanna', labels: join(dir, 'human.jsonl'), json: out, db });
    expect(code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as CalibrationDocument;
    const cal = doc.calibrations[0]!;
    expect(cal.evaluator).toBe('rubric.relevance');
    expect(cal.n).toBe(1056);
    expect(cal.pearson!.value).toBeCloseTo(0.4345408454451686, 9);
    expect(cal.spearman!.value).toBeCloseTo(0.3654539197796648, 9);
    expect(cal.kendall!.value).toBeCloseTo(0.28899534166677365, 9);
    // On the 3,168 individual ratings against the judge (the rounded human mean gave 0.323).
    expect(cal.kappa).toBeCloseTo(0.23723040544460472, 9);
    expect(cal.passAgreement).toMatchObject({ agree: 926, total: 1056 });
    expect(cal.humanAgreement!.alpha).toBeCloseTo(0.13754738681320855, 9);
    expect(cal.humanAgreement).toMatchObject({ units: 1056, maxRaters: 3 });
    expect(cal.verdict).toBe('revise the judge prompt');
    expect(cal.spearman!.lo).toBeCloseTo(0.31021425698719635, 9);
    expect(cal.spearman!.hi).toBeCloseTo(0.4182340970566564, 9);
    expect(cal.gaps).toHaveLength(10);
    expect(cal.gaps[0]!.gap).toBeGreaterThanOrEqual(cal.gaps[9]!.gap);

    // Stored with the run, for `assay show`.
    const again = await openSqliteStore(db);
    const stored = await again.artifacts('hanna', 'calibration');
    await again.close();
    expect((stored[0]!.value as CalibrationDocument).calibrations[0]!.n).toBe(1056);
  });
});
