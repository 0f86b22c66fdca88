import type { RunRecord } from '../../core/run.js';
import type { Store } from '../../core/store.js';
import { runAnalysisOf } from '../../report/stored-analysis.js';
import type { Memo } from './memo.js';
import type { RunAnalysis } from './views.js';

/**
 * The failure analysis of a run, read from the store when it was stored as the run ended (or by an
 * earlier request), memoised per finished run; a running run's is computed on each request.
 */
export function memoisedAnalysis(memo: Memo<RunAnalysis>) {
  return (store: Store, run: RunRecord): Promise<RunAnalysis> =>
    run.status === 'running'
      ? runAnalysisOf(store, run)
      : memo.get(`${run.id}\u0000${run.summary?.durationMs}`, () => runAnalysisOf(store, run));
}
