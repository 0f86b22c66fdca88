import type { RunRecord } from '../../core/run.js';
import type { Store } from '../../core/store.js';
import { analyzeRun } from '../../report/run-reports.js';
import { openReportSource } from '../../report/source.js';
import type { Memo } from './memo.js';
import type { RunAnalysis } from './views.js';

/** Members listed per failure cluster: the page shows examples and links, not every id. */
const MEMBERS = 50;

/**
 * The failure analysis of a run, as the HTML report computes it: failure clusters (TF-IDF), reasons
 * per evaluator, failing strata and the retrieval-vs-generation attribution of RAG failures.
 */
export async function runAnalysis(store: Store, run: RunRecord): Promise<RunAnalysis> {
  const source = await openReportSource(store, run.id);
  const { analysis } = await analyzeRun(source);
  const { failures: _all, ...rest } = analysis;
  return {
    ...rest,
    clusters: {
      ...rest.clusters,
      groups: rest.clusters.groups.map((g) => ({ ...g, members: g.members.slice(0, MEMBERS) })),
      unclustered: rest.clusters.unclustered.slice(0, MEMBERS),
    },
  };
}

/** The analysis memoised per finished run (a full pass over its results is not repeated per view). */
export function memoisedAnalysis(memo: Memo<RunAnalysis>) {
  return (store: Store, run: RunRecord): Promise<RunAnalysis> =>
    run.status === 'running' ? runAnalysis(store, run) : memo.get(run.id, () => runAnalysis(store, run));
}
