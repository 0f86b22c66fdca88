import { loadConfig } from '../../src/config/load.js';
import type { ResultRecord, RunRecord } from '../../src/core/run.js';
import type { EvalOutcome, RunObserver } from '../../src/runner/run-eval.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { buildSuite } from '../../src/suite/build-suite.js';
import { runSuite } from '../../src/suite/run-suite.js';

export interface InProcessRun {
  run: RunRecord;
  outcome: EvalOutcome;
  results: ResultRecord[];
}

/**
 * Runs a suite the way `assay eval` does, in this process: load the config, build the suite, run it
 * into a SQLite store. The store is left open for the caller to inspect when `keepStore` is set.
 */
export async function runConfig(
  configFile: string,
  db: string,
  options: {
    env?: Record<string, string>;
    runId?: string;
    concurrency?: number;
    cache?: boolean;
    observers?: RunObserver[];
    signal?: AbortSignal;
    store?: KyselyStore;
  } = {},
): Promise<InProcessRun> {
  const env = options.env ?? {};
  const loaded = await loadConfig(configFile, env);
  const suite = await buildSuite(loaded, { env, assayVersion: 'test' });
  const store = options.store ?? (await openSqliteStore(db));
  try {
    const { run, outcome } = await runSuite(suite, {
      store,
      runId: options.runId ?? `run-${Date.now()}-${Math.random().toString(16).slice(2, 6)}`,
      concurrency: options.concurrency ?? loaded.config.concurrency,
      retries: loaded.config.retries,
      timeoutMs: loaded.config.timeoutMs,
      cache: (options.cache ?? true) && loaded.config.cache,
      gates: loaded.config.gates,
      ...(options.observers ? { observers: options.observers } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const results: ResultRecord[] = [];
    for await (const r of store.results(run.id)) results.push(r);
    return { run, outcome, results };
  } finally {
    if (!options.store) await store.close();
  }
}
