import { resolve } from 'node:path';
import type PgBoss from 'pg-boss';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { AssayError, errorMessage } from '../core/errors.js';
import type { ResultRecord, RunRecord } from '../core/run.js';
import type { Store } from '../core/store.js';
import type { Pools } from '../runner/call-target.js';
import { buildSuite, type Suite } from '../suite/build-suite.js';
import { evalSuite } from '../suite/run-suite.js';
import { chunkSink } from './chunk-sink.js';
import { EVAL_QUEUE, type EvalJob, queueSchema } from './queue.js';
import { RUN_SPEC_ARTIFACT, type RunSpec } from './run-spec.js';
import { startSharedLimits } from './shared-limits.js';

export interface WorkerOptions {
  store: Store;
  boss: PgBoss;
  /** The worker's checkout: the run's config path is resolved here. */
  cwd: string;
  env: Record<string, string | undefined>;
  assayVersion: string;
  gitCommit?: { commit: string; dirty: boolean };
  /** Calls in flight at once in this worker. */
  concurrency: number;
  log?: (line: string) => void;
}

/** How long a worker with nothing to do waits before asking the queue again. */
const POLL_MS = 500;
/**
 * Chunks a worker holds at once. Its calls in flight stay within `--concurrency` (the endpoints'
 * limiters are the worker's, shared by its chunks); a second chunk keeps every slot busy while the
 * first one's last calls finish, and while the next chunk is fetched and its results looked up.
 */
const CHUNKS_IN_HAND = 2;

/**
 * `assay worker`: takes chunks of any run from the queue and runs them with the same runner as
 * `assay eval`, writing each result to the store as it completes; the chunk's last results are
 * committed in one transaction with the job's completion (`chunkSink`), and a chunk that fails is
 * handed back to pg-boss (`fail`: retried). A chunk's results already stored (by a worker that
 * died) are kept, not called again; a result written twice replaces itself (one row per run,
 * target, case and repeat). Resolves with a function that stops the worker.
 */
export async function startWorker(options: WorkerOptions): Promise<{ stop(): Promise<void> }> {
  const { store, boss } = options;
  const suites = new Map<string, Promise<RunSuite>>();
  const suiteFor = (runId: string) => {
    let found = suites.get(runId);
    if (!found) {
      found = loadRunSuite(options, runId);
      found.catch(() => suites.delete(runId));
      suites.set(runId, found);
    }
    return found;
  };
  const controller = new AbortController();
  // The endpoints' limiters live as long as the worker, steered by the limits shared with the others.
  const pools: Pools = new Map();
  const shared = startSharedLimits(boss.getDb(), queueSchema(options.env), pools, {
    onError: (error) => options.log?.(`assay worker: shared rate limits: ${errorMessage(error)}\n`),
  });
  await shared.sync();

  const runChunk = async (job: PgBoss.Job<EvalJob>): Promise<void> => {
    const { run, suite, config, cache } = await suiteFor(job.data.runId);
    const wanted = new Set(job.data.caseIds);
    const cases = suite.dataset.cases.filter((c) => wanted.has(c.id));
    const completed: ResultRecord[] = [];
    for await (const r of store.results(run.id, { caseIds: job.data.caseIds }))
      if (r.output !== null) completed.push(r);
    const items = cases.length * suite.targets.length * (run.provenance.repeat ?? 1);
    const sink = chunkSink(store, boss, job.id, items - completed.length);
    const outcome = await evalSuite(suite, run, {
      store,
      sink,
      pools,
      cases,
      completed,
      concurrency: options.concurrency,
      // The run's config, as `assay eval` runs it in process; repeats are never answered from the cache.
      retries: config.retries,
      timeoutMs: config.timeoutMs,
      cache: cache && (run.provenance.repeat ?? 1) <= 1,
      // A killed worker loses at most its calls in flight: each result is committed before the next call.
      maxUnwritten: 0,
      signal: controller.signal,
    });
    // Not finished here: pg-boss hands the chunk out again; what was stored is kept.
    if (outcome.status !== 'completed') throw new Error(`chunk of run ${run.id}: ${outcome.status}`);
    if (items === completed.length) await sink.finishEmpty();
    else if (sink.written !== items - completed.length)
      throw new Error(
        `chunk of run ${run.id}: ${sink.written} of ${items - completed.length} results written`,
      );
    options.log?.(`assay worker: run ${run.id}: ${cases.length} cases done\n`);
  };

  const inHand = new Set<Promise<void>>();
  let stopping = false;
  let wake: (() => void) | undefined;
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const take = (job: PgBoss.Job<EvalJob>) => {
    const running: Promise<void> = runChunk(job)
      .catch(async (error) => {
        options.log?.(`assay worker: ${errorMessage(error)}\n`);
        await boss.fail(EVAL_QUEUE, job.id, { message: errorMessage(error) }).catch(() => {});
      })
      .finally(() => {
        inHand.delete(running);
        wake?.();
      });
    inHand.add(running);
  };
  // Our own loop rather than pg-boss's work(): that one runs one batch at a time and waits out its
  // polling interval after each, which left a worker's slots idle between chunks.
  const loop = (async () => {
    while (!stopping) {
      if (inHand.size >= CHUNKS_IN_HAND) {
        await idle(POLL_MS);
        continue;
      }
      const [job] = await boss.fetch<EvalJob>(EVAL_QUEUE, { batchSize: 1 });
      if (job && !stopping) take(job);
      else if (!job) await idle(POLL_MS);
    }
  })();
  return {
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      controller.abort();
      await Promise.all(inHand);
      await shared.stop();
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}

interface RunSuite {
  run: RunRecord;
  suite: Suite;
  config: Config;
  /** The config's `cache`, unless the run was made with `--no-cache`. */
  cache: boolean;
}

async function loadRunSuite(options: WorkerOptions, runId: string): Promise<RunSuite> {
  const run = await options.store.getRun(runId);
  if (!run) throw new AssayError('run.not-found', `no run "${runId}" in the store`);
  const spec = (await options.store.artifacts(runId, RUN_SPEC_ARTIFACT))[0]?.value as RunSpec | undefined;
  if (!spec)
    throw new AssayError('run.conflict', `run ${runId} was not made for workers (no ${RUN_SPEC_ARTIFACT})`);
  const loaded = await loadConfig(resolve(options.cwd, spec.configPath), options.env);
  if (loaded.hash !== run.configHash) {
    throw new AssayError(
      'run.conflict',
      `${spec.configPath} in this worker's checkout differs from run ${runId}'s config; deploy the run's revision${spec.gitCommit ? ` (${spec.gitCommit})` : ''}`,
    );
  }
  if (spec.gitCommit && options.gitCommit && options.gitCommit.commit !== spec.gitCommit)
    options.log?.(
      `assay worker: warning: run ${runId} was made at ${spec.gitCommit}, this checkout is at ${options.gitCommit.commit}\n`,
    );
  const suite = await buildSuite(loaded, {
    env: options.env,
    assayVersion: options.assayVersion,
    ...(options.gitCommit ? { gitCommit: options.gitCommit } : {}),
  });
  return { run, suite, config: loaded.config, cache: loaded.config.cache && spec.cache !== false };
}
