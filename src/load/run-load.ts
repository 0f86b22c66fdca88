import type { Case } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import type { PlannedCall, Target } from '../core/target.js';
import { LoadRecorder, type LoadResult } from './load-recorder.js';

/**
 * One request of a load test. `onFirstToken` is called by a streaming call when the first token
 * arrives; a call that does not stream never calls it.
 */
export type LoadCall = (c: Case, signal: AbortSignal, onFirstToken: () => void) => Promise<unknown>;

export interface LoadProgress {
  elapsedMs: number;
  sent: number;
  done: number;
  errors: number;
  inFlight: number;
}

export interface LoadSpec {
  target: Target;
  /** Sent in turn, cycling back to the first when they run out. */
  cases: readonly Case[];
  /** Open loop: start this many requests a second, on schedule, however slow the answers. */
  rps?: number;
  /** Closed loop: this many workers, each sending its next request when its last one is answered. */
  concurrency?: number;
  durationMs: number;
  /** A request with no answer after this long counts as a timeout. */
  timeoutMs: number;
  /** How a request is made; by default `target.plan(case).invoke(signal)`, planned once per case. */
  call?: LoadCall;
  /** Stops sending; requests in flight are cancelled and left out of the counts. */
  signal?: AbortSignal;
  /** Called about once a second while the test runs. */
  onProgress?: (p: LoadProgress) => void;
}

/** Calls the target as the runner does, minus retries and cache: a load test measures the system. */
export function planCall(target: Target): LoadCall {
  const plans = new Map<string, PlannedCall>();
  return (c, signal) => {
    let planned = plans.get(c.id);
    if (!planned) {
      planned = target.plan(c);
      plans.set(c.id, planned);
    }
    return planned.invoke(signal);
  };
}

/**
 * Runs a load test against one target: open loop with `rps` (each request's latency counts from
 * when it was due to start, so a slow server cannot hide its queue: no coordinated omission),
 * or closed loop with `concurrency`. No retries, no cache.
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const open = spec.rps !== undefined;
  if (open === (spec.concurrency !== undefined)) {
    throw new AssayError('input.invalid', 'give either --rps (open loop) or --concurrency (closed loop)');
  }
  if (spec.cases.length === 0) throw new AssayError('input.invalid', 'the dataset has no cases to send');
  const call = spec.call ?? planCall(spec.target);
  const t0 = performance.now();
  const rec = new LoadRecorder(t0);
  const outer = spec.signal;
  /** Requests in flight, by the function that cancels one (an interrupt). */
  const inFlight = new Set<() => void>();
  let drained: (() => void) | undefined;

  // A request ends once: answered, failed, timed out or cancelled, whichever comes first. A call
  // that ignores its abort signal (a function target, say) cannot hold the test open past its timeout.
  const send = (c: Case, due: number, now: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const controller = new AbortController();
      let firstToken: number | undefined;
      let ended = false;
      const finish = (record: () => void) => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        inFlight.delete(cancel);
        record();
        if (inFlight.size === 0) drained?.();
        resolve();
      };
      const cancel = () => {
        controller.abort();
        finish(() => rec.cancel());
      };
      inFlight.add(cancel);
      rec.started(now, open ? now - due : undefined);
      const timer = setTimeout(() => {
        controller.abort();
        const error = new AssayError('provider.timeout', `no answer within ${spec.timeoutMs} ms`);
        finish(() => rec.failed(performance.now(), error, 'timeout'));
      }, spec.timeoutMs);
      const onFirstToken = () => {
        firstToken ??= performance.now();
      };
      call(c, controller.signal, onFirstToken).then(
        () => {
          const at = performance.now();
          finish(() => rec.answered(at, at - due, firstToken === undefined ? undefined : firstToken - due));
        },
        (error: unknown) => {
          const at = performance.now();
          finish(() => rec.failed(at, error));
        },
      );
    });

  const end = t0 + spec.durationMs;
  const ticker = spec.onProgress
    ? setInterval(() => {
        spec.onProgress!({
          elapsedMs: performance.now() - t0,
          sent: rec.sent,
          done: rec.ok + rec.errors,
          errors: rec.errors,
          inFlight: rec.inFlight,
        });
      }, 1000)
    : undefined;
  const onAbort = () => {
    for (const cancel of [...inFlight]) cancel();
  };
  outer?.addEventListener('abort', onAbort, { once: true });
  try {
    if (open) await openLoop(spec, t0, send);
    else await closedLoop(spec, end, send);
    if (inFlight.size > 0) await new Promise<void>((resolve) => (drained = resolve));
  } finally {
    if (ticker) clearInterval(ticker);
    outer?.removeEventListener('abort', onAbort);
  }
  return rec.result({
    target: spec.target.id,
    mode: open ? 'open' : 'closed',
    ...(open ? { requestedRps: spec.rps } : { concurrency: spec.concurrency }),
    durationMs: spec.durationMs,
    now: performance.now(),
  });
}

type Send = (c: Case, due: number, now: number) => Promise<void>;

/**
 * Starts request i at t0 + i/rps. Timers fire late (1 ms at best, more when the event loop is
 * busy), so each wake-up sends every request already due, each timed from its own due time.
 */
function openLoop(spec: LoadSpec, t0: number, send: Send): Promise<void> {
  const interval = 1000 / spec.rps!;
  const total = Math.max(1, Math.round((spec.durationMs / 1000) * spec.rps!));
  const n = spec.cases.length;
  let i = 0;
  return new Promise<void>((resolve) => {
    const tick = () => {
      if (spec.signal?.aborted) return resolve();
      let now = performance.now();
      while (i < total && t0 + i * interval <= now) {
        void send(spec.cases[i % n]!, t0 + i * interval, now);
        i++;
        now = performance.now();
      }
      if (i >= total) return resolve();
      setTimeout(tick, Math.max(0, t0 + i * interval - performance.now()));
    };
    tick();
  });
}

/** `concurrency` workers, each sending its next case as soon as its last request ended. */
async function closedLoop(spec: LoadSpec, end: number, send: Send): Promise<void> {
  const n = spec.cases.length;
  let next = 0;
  const worker = async () => {
    while (!spec.signal?.aborted) {
      const now = performance.now();
      if (now >= end) return;
      await send(spec.cases[next++ % n]!, now, now);
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency! }, worker));
}
