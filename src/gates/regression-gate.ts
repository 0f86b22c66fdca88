import { resolve } from 'node:path';
import { type Comparison, compareRuns } from '../compare/analyze.js';
import { loadSide, sideFromResults } from '../compare/sides.js';
import type { Store } from '../core/store.js';
import type { GateOutcome } from '../core/summary.js';

/**
 * The `gates: { baseline, noRegression: true }` check at the end of a run: the same analysis as
 * `assay compare`, failing when any metric regresses significantly against the baseline.
 */
export async function regressionGate(
  store: Store,
  runId: string,
  baseline: string,
  baseDir: string,
): Promise<{ gate: GateOutcome; comparison: Comparison }> {
  const ref = /\.json$/i.test(baseline) ? resolve(baseDir, baseline) : baseline;
  const base = await loadSide(ref, store);
  const candidate = await sideFromResults(runId, runId, store.results(runId));
  const comparison = compareRuns(base, candidate);
  const n = comparison.regressions.length;
  return {
    comparison,
    gate: {
      gate: 'noRegression',
      pass: n === 0,
      actual: n,
      threshold: 0,
      message:
        n === 0
          ? `noRegression: no significant regression against ${base.label}`
          : `noRegression: ${n} significant regression(s) against ${base.label}: ${comparison.regressions.map((r) => `${r.metric} on ${r.stratum}`).join('; ')}`,
    },
  };
}
