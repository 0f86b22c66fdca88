import type { Case } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import { DEFAULT_PROJECT, type ResultRecord, type RunRecord } from '../core/run.js';
import type { Store } from '../core/store.js';
import { datasetVersion } from '../datasets/version.js';
import type { Gates } from '../gates/schema.js';
import {
  type EvalDeps,
  type EvalOutcome,
  type ResultSink,
  type RunObserver,
  runEval,
} from '../runner/run-eval.js';
import type { Suite } from './build-suite.js';
import { storedOutputs } from './stored-outputs.js';

export interface RunSuiteOptions {
  store: Store;
  runId: string;
  description?: string;
  /** The project the run is stored under (default `default`). */
  project?: string;
  concurrency?: number;
  retries?: number;
  timeoutMs?: number;
  cache?: boolean;
  repeat?: number;
  gates?: Gates;
  /** Finish this earlier run instead of starting a new one. */
  resume?: RunRecord;
  /** The whole dataset is already stored under its version (runPipeline saves it before narrowing). */
  datasetSaved?: boolean;
  /**
   * Called once the run has ended and its results are stored, before the run is closed: checks
   * that read the stored results add their gates to `outcome.summary.gates` here, so the run record
   * is written once, complete.
   */
  afterRun?: (run: RunRecord, outcome: EvalOutcome) => Promise<void>;
  observers?: RunObserver[];
  signal?: AbortSignal;
}

/**
 * Runs a suite with a store behind it: the run and its provenance are recorded first, each result
 * is committed as it completes, and the run is closed with its summary. With `resume`, results the
 * earlier execution completed are kept and their cases are not called again.
 */
export async function runSuite(
  suite: Suite,
  options: RunSuiteOptions,
): Promise<{ run: RunRecord; outcome: EvalOutcome }> {
  const { store } = options;
  let run: RunRecord;
  const completed: ResultRecord[] = [];
  if (options.resume) {
    run = options.resume;
    if (run.provenance.dataset.version !== suite.provenance.dataset.version) {
      throw new AssayError(
        'run.conflict',
        `run ${run.id} was made on dataset version ${run.provenance.dataset.version}, but the dataset is now ${suite.provenance.dataset.version}; start a new run`,
      );
    }
    // A result whose target failed is made again; everything else is kept.
    for await (const r of store.results(run.id)) if (r.output !== null) completed.push(r);
    await store.updateRun(run.id, { status: 'running' });
  } else {
    run = newRunRecord(suite, options.runId, options);
    if (!options.datasetSaved) await saveCases(store, suite, run);
    await store.createRun(run);
  }

  const outcome = await evalSuite(suite, run, {
    ...options,
    completed,
    ...(options.resume?.summary?.models ? { completedModels: options.resume.summary.models } : {}),
  });
  const finished: RunRecord = {
    ...run,
    status: outcome.status,
    summary: outcome.summary,
    ...(outcome.error ? { error: outcome.error } : {}),
  };
  if (outcome.status === 'completed') finished.finishedAt = new Date().toISOString();
  await options.afterRun?.(finished, outcome);
  await store.updateRun(run.id, {
    status: finished.status,
    summary: outcome.summary,
    ...(finished.finishedAt ? { finishedAt: finished.finishedAt } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
  });
  return { run: finished, outcome };
}

/** The record of a new run of the suite, `running`; not stored yet. */
export function newRunRecord(
  suite: Suite,
  id: string,
  options: { repeat?: number; description?: string; project?: string } = {},
): RunRecord {
  return {
    id,
    createdAt: new Date().toISOString(),
    status: 'running',
    project: options.project ?? DEFAULT_PROJECT,
    configHash: suite.provenance.configHash,
    provenance: {
      ...suite.provenance,
      ...(options.repeat && options.repeat > 1 ? { repeat: options.repeat } : {}),
    },
    ...(options.description ? { description: options.description } : {}),
  };
}

export interface EvalSuiteOptions
  extends Pick<
    RunSuiteOptions,
    'store' | 'concurrency' | 'retries' | 'timeoutMs' | 'cache' | 'repeat' | 'gates' | 'observers' | 'signal'
  > {
  /** Results already stored: kept, not made again. */
  completed: ResultRecord[];
  completedModels?: EvalDeps['completedModels'];
  /** Only these of the suite's cases (a distributed worker's chunk). */
  cases?: Case[];
  /** Where results go instead of `store.saveResults` (a worker commits its job with the last ones). */
  sink?: ResultSink;
  /** The endpoints' limiters, kept across chunks (a distributed worker's). */
  pools?: EvalDeps['pools'];
  maxUnwritten?: number;
}

/**
 * Runs a suite's cases (all, or `cases`) into the store under the recorded `run`, which it neither
 * opens nor closes: the one way `runSuite` and a distributed worker's chunk call `runEval`.
 */
export function evalSuite(suite: Suite, run: RunRecord, options: EvalSuiteOptions): Promise<EvalOutcome> {
  const { store } = options;
  return runEval(
    {
      runId: run.id,
      dataset: options.cases ? { ...suite.dataset, cases: options.cases } : suite.dataset,
      targets: suite.targets,
      evaluators: suite.evaluators,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.retries === undefined ? {} : { retries: options.retries }),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      cache: options.cache ?? true,
      repeat: run.provenance.repeat ?? options.repeat ?? 1,
      ...(options.maxUnwritten === undefined ? {} : { maxUnwritten: options.maxUnwritten }),
      ...(options.gates ? { gates: options.gates } : {}),
      ...(suite.turnEvaluators ? { turnEvaluators: suite.turnEvaluators } : {}),
      ...(suite.caseEvaluators ? { caseEvaluators: suite.caseEvaluators } : {}),
      ...(suite.simulator ? { simulator: suite.simulator } : {}),
      ...(suite.pricing ? { pricing: suite.pricing } : {}),
      provenance: run.provenance,
    },
    {
      sink: options.sink ?? { write: (results) => store.saveResults(results) },
      // One cache for target answers, judge answers and vectors, each kind under its key prefix.
      cache: { get: (key) => store.cacheGet(key), set: (key, value) => store.cacheSet(key, value) },
      storedOutput: storedOutputs(store),
      completed: options.completed,
      ...(options.completedModels ? { completedModels: options.completedModels } : {}),
      ...(options.observers ? { observers: options.observers } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.pools ? { pools: options.pools } : {}),
    },
  );
}

/**
 * Stores the run's cases under the version they hash to. A caller who narrowed
 * `suite.dataset.cases` gets them stored under the narrowed list's own version (recorded as
 * `filters.selectedVersion`), never under the whole dataset's.
 */
async function saveCases(store: Store, suite: Suite, run: RunRecord): Promise<void> {
  const cases = suite.dataset.cases as Case[];
  const version = datasetVersion(cases);
  if (version !== suite.dataset.version)
    run.provenance.filters = { ...run.provenance.filters, selectedVersion: version };
  await store.saveDataset(
    {
      name: suite.dataset.name,
      version,
      caseCount: cases.length,
      createdAt: run.createdAt,
      ...(suite.dataset.path ? { path: suite.dataset.path } : {}),
    },
    cases,
  );
}
