import type { Case } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import type { ResultRecord, RunRecord } from '../core/run.js';
import type { Store } from '../core/store.js';

/** Stores that keep the dataset's cases (the Kysely store does), so reports can show expected answers. */
interface CaseStore {
  datasetCases(version: string): Promise<unknown[]>;
}

/** What every report is made from: the stored run, a way to stream its results, and its cases by id. */
export interface ReportSource {
  run: RunRecord;
  /** Streams the results again on each call, so a report can read them several times in little memory. */
  results(): AsyncIterable<ResultRecord>;
  /** The dataset's cases by id; empty when the store does not keep them. */
  cases: Map<string, Case>;
}

/** Opens a stored run for reporting; reports are regenerated from the store alone. */
export async function openReportSource(store: Store, runId: string): Promise<ReportSource> {
  const run = await store.getRun(runId);
  if (!run) throw new AssayError('run.not-found', `no run "${runId}" in the store`);
  const cases = new Map<string, Case>();
  const caseStore = store as Partial<CaseStore>;
  if (typeof caseStore.datasetCases === 'function') {
    for (const c of (await caseStore.datasetCases(run.provenance.dataset.version)) as Case[]) {
      if (c && typeof c.id === 'string') cases.set(c.id, c);
    }
  }
  return { run, results: () => store.results(run.id), cases };
}
