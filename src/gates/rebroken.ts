import type { Case, PromotedFrom } from '../core/case.js';
import type { RunRecord } from '../core/run.js';
import type { Store } from '../core/store.js';
import type { GateOutcome } from '../core/summary.js';

/**
 * A re-broken case: a regression case (`origin: regression`) that fails in this run on a target
 * after it passed on that same target in an earlier run. These matter most: a bug that was fixed
 * has come back.
 */
export interface RebrokenCase {
  caseId: string;
  target: string;
  /** The most recent earlier run where it passed. */
  passedIn: { runId: string; createdAt: string };
  promotedFrom?: PromotedFrom;
  /** The failing scores now: `evaluator: reason`. */
  reasons: string[];
}

export type HistoryStore = Pick<Store, 'listRuns' | 'results'>;

export interface RebrokenOptions {
  /** How many of the store's newest runs are searched for earlier passes. */
  history?: number;
}

const key = (caseId: string, target: string) => `${target}\u0000${caseId}`;

/**
 * The re-broken cases of `run`, precisely:
 * - the case has `origin: regression` in the run's dataset (`cases`);
 * - in `run`, a result of the case on target T is a judged failure (answered, and not passed) —
 *   a target error is not an answer and does not count;
 * - an earlier run (created before `run`, completed, on a dataset of the same name) has a passing
 *   result of the same case id on the same target T.
 * Earlier runs are matched by dataset name rather than config hash, so that editing the prompt or
 * the config — the usual way a case gets fixed or broken — does not wipe the history.
 */
export async function rebrokenCases(
  store: HistoryStore,
  run: RunRecord,
  cases: readonly Case[],
  options: RebrokenOptions = {},
): Promise<RebrokenCase[]> {
  const regression = new Map(cases.filter((c) => c.origin === 'regression').map((c) => [c.id, c]));
  if (regression.size === 0) return [];
  const failing = new Map<string, { caseId: string; target: string; reasons: string[] }>();
  for await (const r of store.results(run.id)) {
    if (!regression.has(r.caseId) || r.error || r.pass) continue;
    const k = key(r.caseId, r.target);
    if (failing.has(k)) continue;
    const reasons = r.scores
      .filter((s) => s.pass === false)
      .map((s) => `${s.evaluator}${s.reason ? `: ${s.reason}` : ''}`);
    failing.set(k, { caseId: r.caseId, target: r.target, reasons });
  }
  if (failing.size === 0) return [];

  const earlier = (await store.listRuns({ limit: options.history ?? 200 })).filter(
    (r) =>
      r.id !== run.id &&
      r.status === 'completed' &&
      r.createdAt < run.createdAt &&
      r.provenance.dataset.name === run.provenance.dataset.name,
  );
  const found = new Map<string, RebrokenCase>();
  for (const past of earlier) {
    for await (const r of store.results(past.id)) {
      if (!r.pass || r.error) continue;
      const k = key(r.caseId, r.target);
      const now = failing.get(k);
      if (!now || found.has(k)) continue;
      const c = regression.get(r.caseId)!;
      found.set(k, {
        ...now,
        passedIn: { runId: past.id, createdAt: past.createdAt },
        ...(c.promotedFrom ? { promotedFrom: c.promotedFrom } : {}),
      });
    }
    if (found.size === failing.size) break;
  }
  // In the order the run reported its failures.
  return [...failing.keys()].flatMap((k) => (found.has(k) ? [found.get(k)!] : []));
}

/** The `rebroken` gate: at most `max` re-broken cases (0: none may come back). */
export function rebrokenGate(count: number, max: number): GateOutcome {
  const pass = count <= max;
  return {
    gate: 'rebroken',
    pass,
    actual: count,
    threshold: max,
    message: `rebroken: ${count} re-broken regression case${count === 1 ? '' : 's'} ${pass ? '≤' : '>'} ${max}`,
  };
}
