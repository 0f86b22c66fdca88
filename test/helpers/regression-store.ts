import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Case } from '../../src/core/case.js';
import type { ResultRecord, RunRecord } from '../../src/core/run.js';
import { datasetVersion } from '../../src/datasets/version.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';

/** A real SQLite store in a temp folder, and a way to record runs in it as `assay eval` would. */
export async function tempStore(): Promise<{ store: SqliteStore; dir: string; cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'assay-regression-'));
  const store = await openSqliteStore(join(dir, 'assay.db'));
  return {
    store,
    dir,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface FakeResult {
  caseId: string;
  target?: string;
  pass?: boolean;
  error?: string;
  text?: string;
}

/** Stores a completed run of `cases` with the given outcomes (a failing `contains` score for failures). */
export async function recordRun(
  store: SqliteStore,
  options: {
    id: string;
    createdAt: string;
    dataset: string;
    cases: Case[];
    results: FakeResult[];
    status?: RunRecord['status'];
  },
): Promise<RunRecord> {
  const version = datasetVersion(options.cases);
  await store.saveDataset(
    { name: options.dataset, version, caseCount: options.cases.length, createdAt: options.createdAt },
    options.cases,
  );
  const run: RunRecord = {
    id: options.id,
    createdAt: options.createdAt,
    status: options.status ?? 'completed',
    configHash: `config-${options.dataset}`,
    provenance: {
      assayVersion: 'test',
      nodeVersion: process.version,
      dataset: { name: options.dataset, version, cases: options.cases.length },
      targets: [],
      evaluators: [],
      configHash: `config-${options.dataset}`,
    },
  };
  await store.createRun(run);
  const results: ResultRecord[] = options.results.map((r) => {
    const pass = r.error ? false : (r.pass ?? true);
    return {
      runId: run.id,
      caseId: r.caseId,
      target: r.target ?? 'bot',
      repeat: 0,
      tags: {},
      output: r.error ? null : { text: r.text ?? (pass ? 'right' : 'wrong'), latencyMs: 1 },
      pass,
      ...(r.error ? { error: r.error } : {}),
      scores: r.error
        ? []
        : [
            {
              evaluator: 'contains',
              value: pass ? 1 : 0,
              pass,
              ...(pass ? {} : { reason: 'expected "right"' }),
            },
          ],
      latencyMs: 1,
    };
  });
  await store.saveResults(results);
  return run;
}
