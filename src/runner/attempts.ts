import { isAssayError } from '../core/errors.js';
import type { RateLimitInfo } from '../core/provider.js';
import type { AdaptiveLimiter } from './limiter.js';
import { backoffMs, isRetryable, type RetryPolicy, sleep } from './retry.js';

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  error: string;
}

export interface AttemptOptions {
  pool: AdaptiveLimiter;
  retry: RetryPolicy;
  signal: AbortSignal;
  onRetry?: (info: RetryInfo) => void;
}

/**
 * The one retry loop of a run, for every model call (targets, judges, simulators, embedders): each
 * attempt holds a slot of its endpoint's pool; a 429 (or a 503 with Retry-After) halves the pool's
 * limit and pauses it; what a retry may cure is retried with backoff, honouring Retry-After.
 * Resolves with the answer and the latency of the attempt that gave it.
 */
export async function withRetries<T extends { rateLimit?: RateLimitInfo }>(
  invoke: (signal: AbortSignal) => Promise<T>,
  o: AttemptOptions,
): Promise<{ value: T; latencyMs: number }> {
  const { pool, signal } = o;
  for (let attempt = 0; ; attempt++) {
    await pool.acquire(signal, attempt > 0);
    const t0 = performance.now();
    let value: T;
    try {
      value = await invoke(signal);
    } catch (error) {
      pool.release();
      if (isPushBack(error)) pool.onRateLimited((error as { retryAfterMs?: number }).retryAfterMs);
      if (signal.aborted || !isRetryable(error) || attempt >= o.retry.retries) throw error;
      const delayMs = backoffMs(attempt + 1, o.retry, error);
      o.onRetry?.({ attempt: attempt + 1, delayMs, error: (error as Error).message });
      // When the pool is paused at least that long (the server's Retry-After), the pause is the wait:
      // queue now, at the head of the line, rather than behind every call that arrives meanwhile.
      if (pool.pauseLeftMs < delayMs) await sleep(delayMs, signal);
      continue;
    }
    const latencyMs = performance.now() - t0;
    pool.release();
    pool.onSuccess(value.rateLimit);
    return { value, latencyMs };
  }
}

/** A 429, or a 503 that says when to come back: the server asks for fewer calls, not just a retry. */
function isPushBack(error: unknown): boolean {
  return (
    isAssayError(error) &&
    (error.code === 'provider.rate-limit' || (error.status === 503 && error.retryAfterMs !== undefined))
  );
}
