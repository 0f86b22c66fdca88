import { AssayError } from '../core/errors.js';
import type { Output } from '../core/output.js';
import type { EvaluatorInput } from '../core/score.js';
import type { Store } from '../core/store.js';

/**
 * The outputs of stored runs, for evaluators that compare with one (`pairwise` with
 * `against: { run }`): each run is read once, on first use.
 */
export function storedOutputs(store: Store): NonNullable<EvaluatorInput['storedOutput']> {
  const runs = new Map<string, Promise<Map<string, Map<string, Output>>>>();
  return async (runId, caseId, target) => {
    let loaded = runs.get(runId);
    if (!loaded) {
      loaded = loadOutputs(store, runId);
      runs.set(runId, loaded);
    }
    const byTarget = await loaded;
    // The same target when the baseline run has it, else the baseline's only target.
    const outputs =
      (target ? byTarget.get(target) : undefined) ??
      (byTarget.size === 1 ? [...byTarget.values()][0] : undefined);
    return outputs?.get(caseId);
  };
}

/** A stored run's outputs (first repeat), by target then case. Fails when the run does not exist. */
async function loadOutputs(store: Store, runId: string): Promise<Map<string, Map<string, Output>>> {
  const run = await store.getRun(runId);
  if (!run) throw new AssayError('run.not-found', `no run "${runId}" in the store to compare with`);
  const out = new Map<string, Map<string, Output>>();
  for await (const r of store.results(run.id)) {
    if (r.repeat !== 0 || !r.output) continue;
    let m = out.get(r.target);
    if (!m) {
      m = new Map();
      out.set(r.target, m);
    }
    m.set(r.caseId, r.output);
  }
  return out;
}
