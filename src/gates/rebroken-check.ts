import pc from 'picocolors';
import type { Case } from '../core/case.js';
import type { GateOutcome, RunRecord, RunSummary } from '../core/run.js';
import type { Store } from '../core/store.js';
import { type RebrokenCase, rebrokenCases, rebrokenGate } from './rebroken.js';

export interface RebrokenCheck {
  cases: RebrokenCase[];
  gate?: GateOutcome;
  /** Lines for the terminal, after the summary; '' when the dataset has no regression case. */
  text: string;
}

export interface RebrokenCheckInput {
  store: Pick<Store, 'listRuns' | 'results' | 'updateRun' | 'saveArtifact'>;
  run: RunRecord;
  summary: RunSummary;
  cases: readonly Case[];
  /** `gates.rebroken`: the most re-broken cases tolerated. */
  max?: number;
  color?: boolean;
}

/**
 * After a completed run: finds the re-broken cases, stores them as the run's `rebroken` artifact,
 * and with `gates.rebroken` set, appends that gate to `summary.gates` (so the exit code and the
 * stored summary both carry it).
 */
export async function checkRebroken(input: RebrokenCheckInput): Promise<RebrokenCheck> {
  const { store, run, summary } = input;
  const regression = input.cases.filter((c) => c.origin === 'regression').length;
  if (run.status !== 'completed' || (regression === 0 && input.max === undefined)) {
    return { cases: [], text: '' };
  }
  const cases = await rebrokenCases(store, run, input.cases);
  if (cases.length > 0) await store.saveArtifact(run.id, 'rebroken', cases);
  let gate: GateOutcome | undefined;
  if (input.max !== undefined) {
    gate = rebrokenGate(cases.length, input.max);
    summary.gates = [...(summary.gates ?? []), gate];
    await store.updateRun(run.id, { summary });
  }
  return { cases, ...(gate ? { gate } : {}), text: formatRebroken(cases, regression, input.color) };
}

/** `Re-broken: 2 of 14 regression cases passed before and fail again` and one line per case. */
export function formatRebroken(cases: readonly RebrokenCase[], regression: number, color = false): string {
  const c = pc.createColors(color);
  if (regression === 0) return `${c.bold('Re-broken')}: no regression case in this dataset`;
  if (cases.length === 0) {
    return `${c.bold('Re-broken')}: none (${regression} regression case${regression === 1 ? '' : 's'})`;
  }
  const lines = [
    `${c.bold('Re-broken')}: ${c.red(String(cases.length))} regression case result${cases.length === 1 ? '' : 's'} passed before and fail again`,
  ];
  for (const r of cases) {
    const from = r.promotedFrom ? ` · promoted from run ${r.promotedFrom.runId}` : '';
    const why = r.reasons.length ? ` · ${r.reasons.join('; ').slice(0, 160)}` : '';
    lines.push(`  ${r.caseId} on ${r.target} · passed in run ${r.passedIn.runId}${from}${why}`);
  }
  return lines.join('\n');
}
