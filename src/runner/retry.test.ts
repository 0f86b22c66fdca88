import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { backoffMs, DEFAULT_RETRY, isRetryable, sleep } from './retry.js';

const rateLimited = (retryAfterMs?: number) =>
  new AssayError('provider.rate-limit', '429', {
    retryable: true,
    status: 429,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

describe('backoffMs', () => {
  it('honours the server’s Retry-After exactly, whatever the attempt', () => {
    expect(backoffMs(1, DEFAULT_RETRY, rateLimited(7000))).toBe(7000);
    expect(backoffMs(5, DEFAULT_RETRY, rateLimited(0))).toBe(0);
  });

  it('caps a Retry-After at maxRetryAfterMs', () => {
    expect(backoffMs(1, { ...DEFAULT_RETRY, maxRetryAfterMs: 5000 }, rateLimited(3_600_000))).toBe(5000);
  });

  it('without one: exponential with jitter in [cap/2, cap], capped at maxMs', () => {
    const policy = { ...DEFAULT_RETRY, baseMs: 100, maxMs: 1000 };
    expect(backoffMs(1, policy, rateLimited(), () => 0)).toBe(50);
    expect(backoffMs(1, policy, rateLimited(), () => 1)).toBe(100);
    expect(backoffMs(3, policy, rateLimited(), () => 0)).toBe(200);
    expect(backoffMs(3, policy, rateLimited(), () => 1)).toBe(400);
    expect(backoffMs(10, policy, rateLimited(), () => 1)).toBe(1000);
    expect(backoffMs(10, policy, new Error('not ours'), () => 0)).toBe(500);
  });
});

describe('isRetryable and sleep', () => {
  it('only AssayErrors flagged retryable are retried', () => {
    expect(isRetryable(rateLimited())).toBe(true);
    expect(isRetryable(new AssayError('provider.http', '400'))).toBe(false);
    expect(isRetryable(new Error('ECONNRESET'))).toBe(false);
  });

  it('sleep rejects with run.aborted when its signal aborts', async () => {
    const c = new AbortController();
    const p = sleep(60_000, c.signal);
    c.abort();
    await expect(p).rejects.toMatchObject({ code: 'run.aborted' });
    await expect(sleep(10, c.signal)).rejects.toMatchObject({ code: 'run.aborted' });
    await expect(sleep(1)).resolves.toBeUndefined();
  });
});
