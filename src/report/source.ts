import type { Case } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import type { ResultRecord, RunRecord } from '../core/run.js';
import type { Store } from '../core/store.js';
import { storedCases } from '../regression/run-cases.js';

/** What every report is made from: the stored run, a way to stream its results, and its cases by id. */
export interface ReportSource {
  run: RunRecord;
  /** Streams the results again on each call, so a report can read them several times in little memory. */
  results(): AsyncIterable<ResultRecord>;
  /** The dataset's cases by id. */
  cases: Map<string, Case>;
}

/** Opens a stored run for reporting; reports are regenerated from the store alone. */
export async function openReportSource(store: Store, runId: string): Promise<ReportSource> {
  const run = await store.getRun(runId);
  if (!run) throw new AssayError('run.not-found', `no run "${runId}" in the store`);
  return reportSourceOf(store, run);
}

/** A report source for a run record in hand (one just closed, not yet written back). */
export async function reportSourceOf(store: Store, run: RunRecord): Promise<ReportSource> {
  const cases = new Map<string, Case>();
  for (const c of (await storedCases(store, run)) as Case[]) {
    if (c && typeof c.id === 'string') cases.set(c.id, c);
  }
  return { run, results: () => store.results(run.id), cases };
}
