import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { Store } from '../core/store.js';
import type { Progress, RunObserver } from '../runner/run-eval.js';
import type { Suite } from '../suite/build-suite.js';
import { newRunId } from '../suite/run-id.js';
import { type PipelineResult, runPipeline } from '../suite/run-pipeline.js';
import { newRunRecord } from '../suite/run-suite.js';
import { DEFAULT_JOB_EXPIRY_SECONDS, EVAL_QUEUE, type EvalJob, openQueue } from './queue.js';
import { RUN_SPEC_ARTIFACT, type RunSpec } from './run-spec.js';

export interface DistributedOptions {
  store: Store;
  suite: Suite;
  /** The PostgreSQL URL of the store, where the queue lives too. */
  url: string;
  /** The folder `assay eval` runs in; the config path is stored relative to it. */
  cwd: string;
  env?: Record<string, string | undefined>;
  repeat?: number;
  description?: string;
  /** The project the run is stored under (default: the config's `project:`, else `default`). */
  project?: string;
  /** `false` bypasses the response cache, in the workers as in closing the run. */
  cache?: boolean;
  /** Cases per job (default 50). */
  chunkSize?: number;
  /** A job not completed this long after a worker took it is handed out again (default 45 s). */
  expireInSeconds?: number;
  gitCommit?: { commit: string; dirty: boolean };
  observers?: RunObserver[];
  signal?: AbortSignal;
  onReady?(plan: { runId: string; suite: Suite }): void;
}

/**
 * `assay eval --workers`: records the run (and what workers need to rebuild its suite), enqueues
 * its cases in chunks, follows the results workers store, then closes the run exactly as
 * `runPipeline` does (summary, every gate, after-run checks) by resuming it with every result kept.
 */
export async function runDistributed(
  loaded: LoadedConfig,
  options: DistributedOptions,
): Promise<PipelineResult> {
  const { store, suite } = options;
  const repeat = options.repeat ?? 1;
  const runId = newRunId();
  const description = options.description ?? loaded.config.description;
  const project = options.project ?? loaded.config.project;
  const run = newRunRecord(suite, runId, {
    repeat,
    ...(description ? { description } : {}),
    ...(project ? { project } : {}),
  });
  const cases = suite.dataset.cases;
  const total = cases.length * suite.targets.length * repeat;
  const spec: RunSpec = {
    configPath: relative(options.cwd, loaded.file),
    configText: readFileSync(loaded.file, 'utf8'),
    ...(options.gitCommit ? { gitCommit: options.gitCommit.commit } : {}),
    ...(options.cache === false ? { cache: false as const } : {}),
    total,
  };
  await store.createRun(run);
  await store.saveArtifact(runId, RUN_SPEC_ARTIFACT, spec);
  options.onReady?.({ runId, suite });

  const boss = await openQueue(options.url, options.env);
  try {
    const size = options.chunkSize ?? 50;
    const jobs: { name: string; data: EvalJob; expireInSeconds: number }[] = [];
    for (let i = 0; i < cases.length; i += size) {
      jobs.push({
        name: EVAL_QUEUE,
        data: { runId, caseIds: cases.slice(i, i + size).map((c) => c.id) },
        expireInSeconds: options.expireInSeconds ?? DEFAULT_JOB_EXPIRY_SECONDS,
      });
    }
    await boss.insert(jobs);
    // Interrupted, the jobs stay queued for the workers; the run is closed with what is stored.
    await follow(store, runId, total, options.observers ?? [], options.signal);
  } finally {
    await boss.stop({ graceful: false, wait: true, timeout: 5000 }).catch(() => {});
  }
  return runPipeline(loaded, {
    store,
    suite,
    resume: runId,
    ...(options.cache === false ? { cache: false } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Polls the stored results until every work item has one, feeding the observers (progress bar). */
async function follow(
  store: Store,
  runId: string,
  total: number,
  observers: RunObserver[],
  signal: AbortSignal | undefined,
): Promise<void> {
  const started = Date.now();
  const seen = new Set<number | string>();
  const progress: Progress = { total, done: 0, passed: 0, failed: 0, errors: 0, elapsedMs: 0 };
  for (const o of observers) o.onStart?.({ runId, total, done: 0 });
  while (progress.done < total && !signal?.aborted) {
    for await (const r of store.results(runId)) {
      const key = `${r.target}\u0000${r.caseId}\u0000${r.repeat}`;
      if (seen.has(key)) continue;
      seen.add(key);
      progress.done++;
      if (r.error) progress.errors++;
      else if (r.pass) progress.passed++;
      else progress.failed++;
      progress.elapsedMs = Date.now() - started;
      for (const o of observers) o.onResult?.(r, { ...progress });
    }
    if (progress.done < total) await new Promise((done) => setTimeout(done, 500));
  }
}
