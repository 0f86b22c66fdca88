import type { Case } from '../core/case.js';
import type { Output } from '../core/output.js';
import type { Target, TargetCallOptions, TargetOutput } from '../core/target.js';
import { withRetries } from './attempts.js';
import { AdaptiveLimiter } from './limiter.js';
import type { RetryPolicy } from './retry.js';

/** A cached answer: the output as first measured. */
export type CachedAnswer = Omit<Output, 'cached'>;

/** The run's cache: target answers, judge answers and vectors, each kind under its own key prefix. */
export interface ResponseCache {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

export interface CallPolicy {
  retry: RetryPolicy;
  timeoutMs: number;
  cache?: ResponseCache;
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

/** The pool of an endpoint, made on first use: every call to it in the run shares its limit. */
export function poolFor(pools: Pools, key: string, concurrency: number, max = concurrency): AdaptiveLimiter {
  let pool = pools.get(key);
  if (!pool) {
    pool = new AdaptiveLimiter(Math.min(concurrency, max));
    pools.set(key, pool);
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
    const hit = (await policy.cache!.get(key)) as CachedAnswer | undefined;
    if (hit) return { ...hit, cached: true };
  }
  const pool = poolFor(pools, target.pool, policy.concurrency, target.maxConcurrency);
  const { value: out, latencyMs } = await withRetries<TargetOutput>(
    (s) => planned.invoke(s, policy.timeoutMs),
    {
      pool,
      retry: policy.retry,
      signal,
      ...(policy.onRetry
        ? { onRetry: (info) => policy.onRetry!({ target: target.id, caseId: c.id, ...info }) }
        : {}),
    },
  );
  const { rateLimit: _, ...rest } = out;
  const costUsd = rest.costUsd ?? costOf(rest, target);
  const output: Output = { ...rest, latencyMs, ...(costUsd === undefined ? {} : { costUsd }) };
  if (planned.prompt !== undefined && output.prompt === undefined) output.prompt = planned.prompt;
  if (key) await policy.cache!.set(key, output);
  return output;
}

function costOf(out: Omit<TargetOutput, 'rateLimit'>, target: Target): number | undefined {
  if (!out.usage || !target.price) return undefined;
  return (
    (out.usage.inputTokens * target.price.input + out.usage.outputTokens * target.price.output) / 1_000_000
  );
}
