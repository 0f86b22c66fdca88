import type { Case } from '../core/case.js';
import type { RunRecord } from '../core/run.js';
import type { Store } from '../core/store.js';
import type { GateOutcome } from '../core/summary.js';
import { type RebrokenCase, rebrokenCases, rebrokenGate } from './rebroken.js';

export interface RebrokenCheck {
  cases: RebrokenCase[];
  /** How many cases of the run's dataset are regression cases (`origin: regression`). */
  regressionCases: number;
  /** With `gates.rebroken` set. */
  gate?: GateOutcome;
}

export interface RebrokenCheckInput {
  store: Pick<Store, 'listRuns' | 'results' | 'saveArtifact'>;
  run: RunRecord;
  cases: readonly Case[];
  /** `gates.rebroken`: the most re-broken cases tolerated. */
  max?: number;
}

/**
 * After a completed run: finds the re-broken cases and stores them as the run's `rebroken`
 * artifact; with `gates.rebroken` set, gives that gate. Undefined when there is nothing to check
 * (the run did not complete, or the dataset has no regression case and no gate asks).
 */
export async function checkRebroken(input: RebrokenCheckInput): Promise<RebrokenCheck | undefined> {
  const { store, run } = input;
  const regressionCases = input.cases.filter((c) => c.origin === 'regression').length;
  if (run.status !== 'completed' || (regressionCases === 0 && input.max === undefined)) return undefined;
  const cases = await rebrokenCases(store, run, input.cases);
  if (cases.length > 0) await store.saveArtifact(run.id, 'rebroken', cases);
  return {
    cases,
    regressionCases,
    ...(input.max === undefined ? {} : { gate: rebrokenGate(cases.length, input.max) }),
  };
}
