// Retry policy for provider calls: used by the runner for target calls and by the judge for its own.
import { AssayError, isAssayError } from '../core/errors.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseMs: number;
  maxMs: number;
  /** Longest Retry-After we honour before giving up waiting (ms). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 4,
  baseMs: 500,
  maxMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/**
 * Delay before retry number `attempt` (1-based): the server's Retry-After when it gave one,
 * else exponential backoff with full jitter (AWS's "Exponential Backoff and Jitter").
 */
export function backoffMs(
  attempt: number,
  policy: RetryPolicy,
  error: unknown,
  random = Math.random,
): number {
  const asked = isAssayError(error) ? error.retryAfterMs : undefined;
  if (asked !== undefined) return Math.min(asked, policy.maxRetryAfterMs);
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return cap / 2 + random() * (cap / 2);
}

export function isRetryable(error: unknown): boolean {
  return isAssayError(error) && error.retryable;
}

/** Sleeps, or rejects when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AssayError('run.aborted', 'aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AssayError('run.aborted', 'aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
