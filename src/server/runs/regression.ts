import type { Comparison } from '../../compare/analyze.js';
import type { Store } from '../../core/store.js';
import type { RegressionFlag } from './views.js';

/** The latest stored comparison of a run against a baseline (`assay eval --baseline`, `assay compare`). */
export async function latestComparison(store: Store, runId: string): Promise<Comparison | null> {
  const found = await store.artifacts(runId, 'comparison');
  const value = found.at(-1)?.value as Comparison | undefined;
  return value && Array.isArray(value.rows) ? value : null;
}

/** A regression flag when that comparison found significant regressions, else null. */
export function regressionFlag(comparison: Comparison | null): RegressionFlag | null {
  if (!comparison || comparison.regressions.length === 0) return null;
  return {
    baseline: comparison.baseline.id,
    regressions: comparison.regressions.length,
    rows: comparison.regressions.map((r) => `${r.metric} @ ${r.stratum}`),
  };
}
