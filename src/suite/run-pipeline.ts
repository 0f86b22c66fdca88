import type { LoadedConfig } from '../config/load.js';
import { AssayError } from '../core/errors.js';
import type { RunRecord } from '../core/run.js';
import type { Store } from '../core/store.js';
import type { GateOutcome } from '../core/summary.js';
import type { SampleDraw, SampleOptions } from '../datasets/sample.js';
import { storeRunAnalysis } from '../report/stored-analysis.js';
import type { EvalOutcome, RunObserver } from '../runner/run-eval.js';
import { afterRun, type RunArtefacts } from './after-run.js';
import { buildSuite, type Suite, type SuiteOptions } from './build-suite.js';
import { probeJudges } from './judge-probe.js';
import { replayTranscripts } from './replay.js';
import { newRunId } from './run-id.js';
import { runSuite } from './run-suite.js';
import { type CaseSelection, selectCases } from './select-cases.js';

export interface PipelineOptions {
  store: Store;
  /** How to build the suite from the config; or pass `suite`, already built (and adjusted). */
  build?: SuiteOptions;
  suite?: Suite;
  /** The new run's id (default: a time-ordered random one). Ignored when resuming. */
  runId?: string;
  /** Which cases to run: a tag filter and a sample. A resumed run keeps its own. */
  select?: CaseSelection;
  /** Finish an earlier run: its id, or `true` for this config's latest unfinished run. */
  resume?: string | true;
  /** Replay the conversations of that run (its user turns become scripted turns). */
  replay?: string;
  /** Overrides the config's description for this run. */
  description?: string;
  /** Overrides the config's `project:` (default `default`): the project the run is stored under. */
  project?: string;
  /** Overrides the config's concurrency. */
  concurrency?: number;
  /** `false` bypasses the response cache; it is also bypassed for repeats. */
  cache?: boolean;
  repeat?: number;
  observers?: RunObserver[];
  signal?: AbortSignal;
  /** Called once the cases are chosen, before the first call (the CLI prints its header here). */
  onReady?(plan: { runId: string; resumed: boolean; suite: Suite; sample?: SampleDraw }): void;
}

export interface PipelineResult {
  /** The run as stored: closed, with its summary and every gate. */
  run: RunRecord;
  outcome: EvalOutcome;
  /** Every gate checked: the runner's and those after the run (baseline, re-broken). */
  gates: GateOutcome[];
  artefacts: RunArtefacts;
  suite: Suite;
  /** With a sample: what it drew per stratum. */
  sample?: SampleDraw;
  /** Targets every result of which is an error: the run measured nothing about them. */
  brokenTargets: string[];
}

/**
 * `assay eval` as a library function: builds the suite, stores the whole dataset once, finds the
 * run to resume, selects and samples the cases, runs them into the store, checks every gate
 * (including those against the baseline and earlier runs) and closes the run record once.
 *
 * @example
 * const loaded = await loadConfig('assay.yaml', process.env);
 * const store = await openStore(undefined);
 * const { run, gates } = await runPipeline(loaded, { store, build: { env: process.env, assayVersion: '0.1.0' } });
 * if (gates.some((g) => !g.pass)) process.exitCode = 1;
 */
export async function runPipeline(loaded: LoadedConfig, options: PipelineOptions): Promise<PipelineResult> {
  const { config } = loaded;
  const { store } = options;
  const suite =
    options.suite ?? (await buildSuite(loaded, options.build ?? { env: {}, assayVersion: 'library' }));
  const resume = options.resume ? await findRun(store, loaded, options.resume) : undefined;
  // A judge server that is not there fails now, not after every case's retries.
  await probeJudges(config);

  // The whole dataset is stored under its version before anything narrows the run: reports of
  // any later run of that version need every case.
  const ds = suite.dataset;
  await store.saveDataset(
    {
      name: ds.name,
      version: ds.version,
      caseCount: ds.cases.length,
      createdAt: new Date().toISOString(),
      ...(ds.path ? { path: ds.path } : {}),
    },
    ds.cases,
  );
  const select: CaseSelection = resume
    ? {
        ...(resume.provenance.filters?.tags
          ? { tags: resume.provenance.filters.tags as Record<string, string[]> }
          : {}),
        ...(resume.provenance.sample ? { sample: resume.provenance.sample as unknown as SampleOptions } : {}),
      }
    : (options.select ?? {});
  const sample = selectCases(suite, select);
  if (options.replay) await replayTranscripts(store, options.replay, suite);

  const runId = resume?.id ?? options.runId ?? newRunId();
  options.onReady?.({ runId, resumed: Boolean(resume), suite, ...(sample ? { sample } : {}) });
  const repeat = resume?.provenance.repeat ?? options.repeat ?? 1;
  const description = options.description ?? config.description;
  const project = options.project ?? config.project;
  let artefacts: RunArtefacts = {};
  const { run, outcome } = await runSuite(suite, {
    store,
    runId,
    datasetSaved: true,
    ...(description ? { description } : {}),
    ...(project ? { project } : {}),
    concurrency: options.concurrency ?? config.concurrency,
    retries: config.retries,
    timeoutMs: config.timeoutMs,
    // Repeats measure how answers (and judges) vary: every try is a fresh call, none from the cache.
    cache: (options.cache ?? true) && config.cache && repeat <= 1,
    gates: config.gates,
    ...(options.repeat ? { repeat: options.repeat } : {}),
    ...(resume ? { resume } : {}),
    ...(options.observers ? { observers: options.observers } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    afterRun: async (finished, ended) => {
      const checked = await afterRun({
        store,
        run: finished,
        cases: suite.dataset.cases,
        gates: config.gates,
        baseDir: loaded.baseDir,
      });
      artefacts = checked.artefacts;
      if (checked.gates.length) ended.summary.gates = [...(ended.summary.gates ?? []), ...checked.gates];
      // The run page's failure analysis is a pass over every result (seconds at 100,000): made
      // once here rather than on the page's first request. Not for an interrupted run, whose user
      // is waiting for the prompt; the page computes and stores that one when first asked.
      if (finished.status !== 'interrupted') {
        await storeRunAnalysis(store, { ...finished, summary: ended.summary }).catch(() => {
          // A run is not failed by its analysis: the page computes it on request instead.
        });
      }
    },
  });
  return {
    run,
    outcome,
    gates: outcome.summary.gates ?? [],
    artefacts,
    suite,
    brokenTargets: Object.entries(outcome.summary.byTarget)
      .filter(([, r]) => r.total > 0 && r.errors === r.total)
      .map(([t]) => t),
    ...(sample ? { sample } : {}),
  };
}

async function findRun(store: Store, loaded: LoadedConfig, which: string | true): Promise<RunRecord> {
  const run = which === true ? await store.latestUnfinished(loaded.hash) : await store.getRun(which);
  if (!run)
    throw new AssayError(
      'run.not-found',
      which === true ? 'no unfinished run of this config to resume' : `no run "${which}" in the store`,
    );
  if (run.status === 'completed') throw new AssayError('run.conflict', `run ${run.id} is already completed`);
  return run;
}
