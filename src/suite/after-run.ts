import type { Comparison } from '../compare/analyze.js';
import type { Case } from '../core/case.js';
import type { RunRecord } from '../core/run.js';
import type { Store } from '../core/store.js';
import type { GateOutcome } from '../core/summary.js';
import type { RebrokenCheck } from '../gates/rebroken-check.js';
import { checkRebroken } from '../gates/rebroken-check.js';
import type { Gates } from '../gates/schema.js';
import type { JudgeBiasReport } from '../judge/bias/report.js';

/** What the checks after a run leave beside it; each is also stored as the run's artifact. */
export interface RunArtefacts {
  /** Against `gates.baseline`, with `gates.noRegression`. */
  comparison?: Comparison;
  rebroken?: RebrokenCheck;
  /** For runs that used a judge. */
  judgeBias?: JudgeBiasReport;
}

export interface AfterRunInput {
  store: Store;
  /** The run as it completed (its results are stored). */
  run: RunRecord;
  cases: readonly Case[];
  gates: Gates;
  /** Where a baseline results JSON is read from. */
  baseDir: string;
}

/**
 * The checks that need the stored results of a completed run: the baseline no-regression gate,
 * the re-broken gate and the judge's bias checks. Returns the gates to add to the summary.
 */
export async function afterRun(
  input: AfterRunInput,
): Promise<{ gates: GateOutcome[]; artefacts: RunArtefacts }> {
  const { store, run, gates } = input;
  const out: GateOutcome[] = [];
  const artefacts: RunArtefacts = {};
  if (run.status !== 'completed') return { gates: out, artefacts };
  // The comparison and the bias checks (and their statistics) load only for runs that need them.
  if (gates.baseline && gates.noRegression) {
    const { regressionGate } = await import('../gates/regression-gate.js');
    const { gate, comparison } = await regressionGate(store, run.id, gates.baseline, input.baseDir);
    out.push(gate);
    artefacts.comparison = comparison;
    await store.saveArtifact(run.id, 'comparison', comparison);
  }
  const rebroken = await checkRebroken({
    store,
    run,
    cases: input.cases,
    ...(gates.rebroken === undefined ? {} : { max: gates.rebroken }),
  });
  if (rebroken) {
    artefacts.rebroken = rebroken;
    if (rebroken.gate) out.push(rebroken.gate);
  }
  // Bias checks read every result back: only for runs that used a judge.
  if (run.provenance.judgePrompts?.length) {
    const { judgeBiasReportFrom } = await import('../judge/bias/report.js');
    const report = await judgeBiasReportFrom(store.results(run.id));
    if (report) {
      artefacts.judgeBias = report;
      await store.saveArtifact(run.id, 'judge-bias', report);
    }
  }
  return { gates: out, artefacts };
}
