import type { Case } from '../core/case.js';
import { isAssayError } from '../core/errors.js';
import type { Output } from '../core/output.js';
import type { Target, TargetCallOptions, TargetOutput } from '../core/target.js';
import { AdaptiveLimiter } from './limiter.js';
import { backoffMs, isRetryable, type RetryPolicy, sleep } from './retry.js';

/** A cached answer: the output as first measured. */
export type CachedAnswer = Omit<Output, 'cached'>;

export interface CallPolicy {
  retry: RetryPolicy;
  timeoutMs: number;
  cache?: {
    get(key: string): Promise<CachedAnswer | undefined>;
    set(key: string, value: CachedAnswer): Promise<void>;
  };
  concurrency: number;
  onRetry?: (info: {
    target: string;
    caseId: string;
    attempt: number;
    delayMs: number;
    error: string;
  }) => void;
}

export type Pools = Map<string, AdaptiveLimiter>;

function poolFor(pools: Pools, target: Target, concurrency: number): AdaptiveLimiter {
  let pool = pools.get(target.pool);
  if (!pool) {
    pool = new AdaptiveLimiter(Math.min(concurrency, target.maxConcurrency ?? concurrency));
    pools.set(target.pool, pool);
  }
  return pool;
}

/**
 * One case through one target: from the cache when the same call was answered before, else through
 * the target's pool with a timeout per attempt and retries on what a retry may cure.
 */
export async function callTarget(
  target: Target,
  c: Case,
  repeat: number,
  policy: CallPolicy,
  pools: Pools,
  signal: AbortSignal,
  options: TargetCallOptions = {},
): Promise<Output> {
  const planned = target.plan(c, options);
  const key = repeat === 0 && policy.cache ? planned.cacheKey?.() : undefined;
  if (key) {
    const hit = await policy.cache!.get(key);
    if (hit) return { ...hit, cached: true };
  }
  const pool = poolFor(pools, target, policy.concurrency);
  for (let attempt = 0; ; attempt++) {
    await pool.acquire(signal, attempt > 0);
    let out: TargetOutput;
    const t0 = performance.now();
    try {
      out = await planned.invoke(signal, policy.timeoutMs);
    } catch (error) {
      pool.release();
      if (isAssayError(error) && error.code === 'provider.rate-limit') pool.onRateLimited(error.retryAfterMs);
      else if (isAssayError(error) && error.status === 503 && error.retryAfterMs)
        pool.onRateLimited(error.retryAfterMs);
      if (signal.aborted || !isRetryable(error) || attempt >= policy.retry.retries) throw error;
      const delayMs = backoffMs(attempt + 1, policy.retry, error);
      policy.onRetry?.({
        target: target.id,
        caseId: c.id,
        attempt: attempt + 1,
        delayMs,
        error: (error as Error).message,
      });
      // When the pool is paused at least that long (the server's Retry-After), the pause is the wait:
      // queue now, at the head of the line, rather than behind every call that arrives meanwhile.
      if (pool.pauseLeftMs < delayMs) await sleep(delayMs, signal);
      continue;
    }
    const latencyMs = performance.now() - t0;
    pool.release();
    pool.onSuccess(out.rateLimit);
    const { rateLimit: _, ...rest } = out;
    const costUsd = rest.costUsd ?? costOf(rest, target);
    const output: Output = { ...rest, latencyMs, ...(costUsd === undefined ? {} : { costUsd }) };
    if (planned.prompt !== undefined && output.prompt === undefined) output.prompt = planned.prompt;
    if (key) await policy.cache!.set(key, output);
    return output;
  }
}

function costOf(out: Omit<TargetOutput, 'rateLimit'>, target: Target): number | undefined {
  if (!out.usage || !target.price) return undefined;
  return (
    (out.usage.inputTokens * target.price.input + out.usage.outputTokens * target.price.output) / 1_000_000
  );
}
