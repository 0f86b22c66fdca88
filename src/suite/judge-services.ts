import { AssayError } from '../core/errors.js';
import type { Output } from '../core/output.js';
import type { Store } from '../core/store.js';
import type { CachedJudgeAnswer, JudgeServices } from '../judge/services.js';

/**
 * Gives a suite's judge evaluators what needs the store: the response cache for judge calls (when
 * caching is on) and the outputs of stored runs for `pairwise` with `against: { run }`.
 */
export function attachJudgeServices(services: JudgeServices, store: Store, cache: boolean): void {
  if (cache) {
    services.judgeCache = {
      get: async (key) => (await store.cacheGet(key)) as CachedJudgeAnswer | undefined,
      set: (key, value) => store.cacheSet(key, value),
    };
  } else {
    delete services.judgeCache;
  }
  const runs = new Map<string, Promise<Map<string, Map<string, Output>>>>();
  services.baselineOutputs = async (runId, caseId, target) => {
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
