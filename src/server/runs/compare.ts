import { compareRuns } from '../../compare/analyze.js';
import { type RunSide, sideFromResults } from '../../compare/sides.js';
import type { RunRecord } from '../../core/run.js';
import type { Store } from '../../core/store.js';
import type { ChangedCase, CompareView } from './views.js';

/** Changed cases listed at most; the count says how many there are in all. */
const MAX_CHANGED = 1000;

function changedCases(baseline: RunSide, candidate: RunSide): ChangedCase[] {
  const byCase = baseline.targets.length === 1 && candidate.targets.length === 1;
  const key = (o: { caseId: string; target: string }) => (byCase ? o.caseId : `${o.target}/${o.caseId}`);
  const base = new Map([...baseline.cases.values()].map((o) => [key(o), o]));
  const out: ChangedCase[] = [];
  for (const c of candidate.cases.values()) {
    const k = key(c);
    const b = base.get(k);
    if (!b || b.pass === c.pass) continue;
    const change =
      b.pass === 1 && c.pass === 0 ? 'broke' : b.pass === 0 && c.pass === 1 ? 'fixed' : 'changed';
    out.push({
      key: k,
      caseId: c.caseId,
      target: c.target,
      baselinePass: b.pass,
      candidatePass: c.pass,
      change,
    });
  }
  const rank = { broke: 0, changed: 1, fixed: 2 };
  return out.sort((a, b) => rank[a.change] - rank[b.change] || a.key.localeCompare(b.key));
}

/**
 * The compare page: `assay compare`'s analysis of two stored runs (paired tests, Holm-adjusted
 * p-values, a verdict per evaluator and stratum) and the cases whose outcome changed, worst first.
 */
export async function compareView(
  store: Store,
  baseline: RunRecord,
  candidate: RunRecord,
  options: { alpha?: number } = {},
): Promise<CompareView> {
  const [b, c] = await Promise.all([
    sideFromResults(baseline.id, baseline.description ?? baseline.id, store.results(baseline.id)),
    sideFromResults(candidate.id, candidate.description ?? candidate.id, store.results(candidate.id)),
  ]);
  const changed = changedCases(b, c);
  return {
    comparison: compareRuns(b, c, options),
    changed: changed.slice(0, MAX_CHANGED),
    changedTotal: changed.length,
  };
}
