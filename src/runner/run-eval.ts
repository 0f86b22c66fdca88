import { setMaxListeners } from 'node:events';
import type { Case } from '../core/case.js';
import { AssayError, errorMessage, isAssayError } from '../core/errors.js';
import type { Output } from '../core/output.js';
import type { Provenance, ResultRecord } from '../core/run.js';
import { resultKey } from '../core/run.js';
import type { Evaluator, EvaluatorInput, Score } from '../core/score.js';
import type { UserSimulator } from '../core/simulator.js';
import type { RunSummary } from '../core/summary.js';
import type { Target } from '../core/target.js';
import { scoreOutput } from '../evaluators/apply.js';
import { checkGates } from '../gates/rate-gates.js';
import type { Gates } from '../gates/schema.js';
import type { Price } from '../providers/pricing.js';
import { createModelCaller } from './call-model.js';
import { type CallPolicy, callTarget, type Pools, type ResponseCache } from './call-target.js';
import { runConversation } from './conversation.js';
import { ModelUsageTally } from './model-usage.js';
import type { RepeatCaseStats } from './repeats.js';
import { DEFAULT_RETRY } from './retry.js';
import { SummaryBuilder } from './summary.js';

export interface EvalSpec {
  runId: string;
  dataset: { name: string; version: string; cases: Case[] };
  targets: Target[];
  evaluators: Evaluator[];
  /** Cases × targets in flight at once. */
  concurrency?: number;
  /** Retries of a failed call (429, 5xx, timeouts, resets). */
  retries?: number;
  /** Per attempt. */
  timeoutMs?: number;
  /** Read and write the response cache (the first repeat only; repeats always call). */
  cache?: boolean;
  /** Run each case this many times. */
  repeat?: number;
  gates?: Gates;
  provenance?: Provenance;
  /** Evaluators of scripted turns, by `<caseId>#<turn index>` (built with the suite). */
  turnEvaluators?: Map<string, Evaluator[]>;
  /** Each case's own evaluators, by case id, applied after `evaluators`. */
  caseEvaluators?: Map<string, Evaluator[]>;
  /** Plays the user beyond the scripted turns, for cases with a `simulate` variable. */
  simulator?: UserSimulator;
  /**
   * Results computed but not yet written that the run lets pile up before a slot waits (default
   * 4 × concurrency). `0` makes every slot wait for its result's commit before its next call, so a
   * process killed at any moment has lost at most `concurrency` calls (distributed workers).
   */
  maxUnwritten?: number;
  /** USD per million tokens by model, for the cost of judge, simulator and embedder calls. */
  pricing?: Record<string, Price>;
}

/** Where results go. `write` resolves once they are durable; only then are they counted as done. */
export interface ResultSink {
  write(results: ResultRecord[]): Promise<void>;
}

export type { ResponseCache } from './call-target.js';

export interface Progress {
  total: number;
  done: number;
  passed: number;
  failed: number;
  errors: number;
  elapsedMs: number;
}

/** Hooks the CLI's progress bar, the store writer and live feeds plug into; all optional. */
export interface RunObserver {
  onStart?(info: { runId: string; total: number; done: number }): void;
  onResult?(result: ResultRecord, progress: Progress): void;
  onRetry?(info: { target: string; caseId: string; attempt: number; delayMs: number; error: string }): void;
  onEnd?(outcome: EvalOutcome): void;
}

export interface EvalDeps {
  sink?: ResultSink;
  cache?: ResponseCache;
  observers?: RunObserver[];
  /** Stops the run: calls in flight are cancelled, completed results are kept. */
  signal?: AbortSignal;
  /** Results of an earlier, interrupted execution of this run: they are kept, not run again. */
  completed?: Iterable<ResultRecord> | AsyncIterable<ResultRecord>;
  /** The evaluating models' counts of that earlier execution (its stored summary's `models`). */
  completedModels?: RunSummary['models'];
  /** Outputs of stored runs, for evaluators that compare with an earlier run. */
  storedOutput?: EvaluatorInput['storedOutput'];
  /**
   * The endpoints' adaptive limiters, by pool key. Default: new ones for this call. A distributed
   * worker passes its own, so what its limiters learned holds from one chunk to the next, and so
   * a limit shared with other workers can steer them.
   */
  pools?: Pools;
}

export interface EvalOutcome {
  runId: string;
  status: 'completed' | 'interrupted' | 'aborted';
  summary: RunSummary;
  /** Why the run was aborted (an unreachable target, say). */
  error?: string;
  /** With `repeat` > 1: per case, its pass count and the spread of each score. */
  caseStats?: RepeatCaseStats[];
}

/** Results committed together at most every few ms, or sooner when this many are waiting. */
const COMMIT_WINDOW_MS = 10;
const MAX_BATCH = 500;

interface WorkItem {
  c: Case;
  target: Target;
  repeat: number;
}

/**
 * Runs a dataset against targets and scores every output. Results stream to `deps.sink` as they
 * complete (nothing is held for the whole run); a failing case is data in the run, never an
 * exception. Resolves with the summary, gates checked.
 *
 * @example
 * const outcome = await runEval({ runId: 'r1', dataset, targets, evaluators }, { sink });
 * if (outcome.summary.passRate < 0.9) process.exitCode = 1;
 */
export async function runEval(spec: EvalSpec, deps: EvalDeps = {}): Promise<EvalOutcome> {
  const started = Date.now();
  const observers = deps.observers ?? [];
  const repeat = spec.repeat ?? 1;
  const summary = new SummaryBuilder(repeat);
  const skip = new Set<string>();
  for await (const r of deps.completed ?? []) {
    skip.add(resultKey(r.caseId, r.target, r.repeat));
    summary.add(r);
  }
  const total = spec.dataset.cases.length * spec.targets.length * repeat;
  for (const o of observers) o.onStart?.({ runId: spec.runId, total, done: skip.size });

  const controller = new AbortController();
  // Every call in flight and every retry wait listens on it: more than Node's default of 10.
  setMaxListeners(0, controller.signal);
  const onOuterAbort = () => controller.abort();
  // A signal aborted already fires no event: the run must not start (a stopped `--workers` run is
  // closed with one; its unfinished work stays queued, it is not run here).
  if (deps.signal?.aborted) controller.abort();
  else deps.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let abortError: AssayError | undefined;

  const pools: Pools = deps.pools ?? new Map();
  const policy: CallPolicy = {
    retry: { ...DEFAULT_RETRY, retries: spec.retries ?? DEFAULT_RETRY.retries },
    timeoutMs: spec.timeoutMs ?? 60_000,
    cache: spec.cache === false ? undefined : deps.cache,
    concurrency: spec.concurrency ?? 16,
    onRetry: (info) => {
      for (const o of observers) o.onRetry?.(info);
    },
  };
  const modelUsage = new ModelUsageTally(spec.pricing, deps.completedModels);
  const models = createModelCaller({ policy, pools, signal: controller.signal, usage: modelUsage });
  const reachable = new Set<string>();
  const targetsById = new Map(spec.targets.map((t) => [t.id, t]));
  // Calls shared between a work item and pairwise evaluators that need its output first.
  const calls = new Map<string, Promise<Output>>();
  const outputOf = (c: Case, target: Target, rep: number): Promise<Output> => {
    const key = resultKey(c.id, target.id, rep);
    let p = calls.get(key);
    if (!p) {
      p =
        c.turns?.length || (spec.simulator && c.vars.simulate !== undefined)
          ? runConversation(target, c, rep, {
              policy,
              pools,
              signal: controller.signal,
              models,
              ...(deps.storedOutput ? { storedOutput: deps.storedOutput } : {}),
              ...(spec.turnEvaluators ? { turnEvaluators: spec.turnEvaluators } : {}),
              ...(spec.simulator ? { simulator: spec.simulator } : {}),
            })
          : callTarget(target, c, rep, policy, pools, controller.signal);
      calls.set(key, p);
    }
    return p;
  };
  // Once every target has finished a case, its shared calls are dropped: memory stays flat.
  const unfinished = new Map<string, number>();
  const finishItem = (c: Case, rep: number) => {
    const caseKey = `${c.id}\u0000${rep}`;
    const left = (unfinished.get(caseKey) ?? spec.targets.length) - 1;
    if (left > 0) {
      unfinished.set(caseKey, left);
      return;
    }
    unfinished.delete(caseKey);
    for (const t of spec.targets) calls.delete(resultKey(c.id, t.id, rep));
  };

  // Group commit: results wait in `pending` while the previous batch is written.
  let pending: ResultRecord[] = [];
  let flushing: Promise<void> | undefined;
  let writing = 0;
  let writeError: unknown;
  let lastCommit = 0;
  const flush = async (): Promise<void> => {
    while (pending.length > 0) {
      // Group commit: give a small batch a few milliseconds to grow; one commit per result
      // would cost more CPU than everything else a case needs.
      const sinceCommit = Date.now() - lastCommit;
      if (pending.length < MAX_BATCH && sinceCommit < COMMIT_WINDOW_MS) {
        await new Promise((r) => setTimeout(r, COMMIT_WINDOW_MS - sinceCommit));
      }
      lastCommit = Date.now();
      const batch = pending;
      pending = [];
      writing = batch.length;
      await deps.sink?.write(batch);
      writing = 0;
      for (const r of batch) {
        summary.add(r);
        const counts = summary.progress;
        const p = { ...counts, total, done: counts.total, elapsedMs: Date.now() - started };
        for (const o of observers) o.onResult?.(r, p);
      }
    }
  };
  const startFlush = (): void => {
    flushing ??= flush()
      .catch((error) => {
        writeError = error;
        controller.abort();
      })
      .finally(() => {
        flushing = undefined;
        // A result emitted after the loop's last look at `pending`, but before this line, would
        // otherwise wait for a flush that never comes.
        if (pending.length > 0 && !writeError) startFlush();
      });
  };
  const emit = (r: ResultRecord) => {
    pending.push(r);
    startFlush();
  };

  const work = workItems(spec, repeat, skip);
  const maxUnwritten = spec.maxUnwritten ?? 4 * policy.concurrency;
  const worker = async () => {
    for (let next = work.next(); !next.done; next = work.next()) {
      if (controller.signal.aborted) return;
      const { c, target, repeat: rep } = next.value;
      const result = await runOne(c, target, rep);
      finishItem(c, rep);
      // Once the run is stopped, calls cut short are not results: resuming will make them again.
      if (abortError || (controller.signal.aborted && result.error && isAbortMessage(result.error))) return;
      emit(result);
      // Back-pressure: never let unwritten results pile up.
      while (pending.length + writing > maxUnwritten && flushing) await flushing;
    }
  };

  const runOne = async (c: Case, target: Target, rep: number): Promise<ResultRecord> => {
    const base = { runId: spec.runId, caseId: c.id, target: target.id, repeat: rep, tags: c.tags };
    let output: Output;
    try {
      output = await outputOf(c, target, rep);
      reachable.add(target.id);
    } catch (error) {
      const message = errorMessage(error);
      if (!controller.signal.aborted && isUnreachable(error) && !reachable.has(target.id)) {
        abortError ??= new AssayError('run.aborted', `target "${target.id}" is unreachable: ${message}`, {
          cause: error,
        });
        controller.abort();
      }
      return { ...base, output: null, pass: false, error: message, scores: [], latencyMs: 0 };
    }
    const peer = async (id: string) => {
      const other = targetsById.get(id);
      return other ? outputOf(c, other, rep).catch(() => undefined) : undefined;
    };
    const own = spec.caseEvaluators?.get(c.id);
    const scores: Score[] = await scoreOutput(own ? [...spec.evaluators, ...own] : spec.evaluators, {
      case: c,
      output,
      target: target.id,
      signal: controller.signal,
      peer,
      models,
      ...(deps.storedOutput ? { storedOutput: deps.storedOutput } : {}),
    });
    for (const turn of output.turns ?? []) scores.push(...(turn.scores ?? []));
    const failedScore = scores.find((s) => s.error !== undefined);
    return {
      ...base,
      output,
      pass: !failedScore && scores.every((s) => s.pass !== false),
      ...(failedScore ? { error: `evaluator ${failedScore.evaluator}: ${failedScore.error}` } : {}),
      scores,
      latencyMs: output.latencyMs,
      ...(output.costUsd === undefined ? {} : { costUsd: output.costUsd }),
      ...(output.usage
        ? { tokens: { input: output.usage.inputTokens, output: output.usage.outputTokens } }
        : {}),
    };
  };

  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(policy.concurrency, total)) }, worker));
    while (flushing || (pending.length > 0 && !writeError)) {
      startFlush();
      await flushing;
    }
  } finally {
    deps.signal?.removeEventListener('abort', onOuterAbort);
  }
  if (writeError) throw writeError;

  const built = summary.build(Date.now() - started);
  const usedModels = modelUsage.snapshot();
  if (usedModels) built.models = usedModels;
  if (spec.gates) built.gates = checkGates(built, spec.gates);
  const status = abortError ? 'aborted' : deps.signal?.aborted ? 'interrupted' : 'completed';
  const outcome: EvalOutcome = {
    runId: spec.runId,
    status,
    summary: built,
    ...(abortError ? { error: abortError.message } : {}),
    ...(summary.repeats ? { caseStats: summary.repeats.perCase() } : {}),
  };
  for (const o of observers) o.onEnd?.(outcome);
  return outcome;
}

function* workItems(spec: EvalSpec, repeat: number, skip: Set<string>): Generator<WorkItem> {
  for (let rep = 0; rep < repeat; rep++) {
    for (const c of spec.dataset.cases) {
      for (const target of spec.targets) {
        if (!skip.has(resultKey(c.id, target.id, rep))) yield { c, target, repeat: rep };
      }
    }
  }
}

/** Connection refused or no such host: retrying every case will not help. */
function isUnreachable(error: unknown): boolean {
  return (
    isAssayError(error) &&
    error.code === 'provider.network' &&
    /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN/.test(error.message)
  );
}

function isAbortMessage(message: string): boolean {
  return /aborted/.test(message);
}
