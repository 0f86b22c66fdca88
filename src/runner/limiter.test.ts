import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdaptiveLimiter } from './limiter.js';

afterEach(() => {
  vi.useRealTimers();
});

/** How many of `n` acquire() calls get through now. */
async function admitted(limiter: AdaptiveLimiter, n: number): Promise<number> {
  let got = 0;
  for (let i = 0; i < n; i++) void limiter.acquire().then(() => got++);
  await new Promise((r) => setImmediate(r));
  return got;
}

describe('AdaptiveLimiter (AIMD)', () => {
  it('admits up to its limit; a release lets the next waiter in', async () => {
    const l = new AdaptiveLimiter(3);
    expect(await admitted(l, 5)).toBe(3);
    expect(l.active).toBe(3);
    l.release();
    await new Promise((r) => setImmediate(r));
    expect(l.active).toBe(3);
  });

  it('halves on each 429, never below its minimum', () => {
    const l = new AdaptiveLimiter(16);
    const seen = [l.current];
    for (let i = 0; i < 6; i++) {
      l.onRateLimited();
      seen.push(l.current);
    }
    expect(seen).toEqual([16, 8, 4, 2, 1, 1, 1]);
    const floor = new AdaptiveLimiter(16, 3);
    for (let i = 0; i < 6; i++) floor.onRateLimited();
    expect(floor.current).toBe(3);
  });

  it('climbs back by one per window of successes, up to its maximum and no further', () => {
    const l = new AdaptiveLimiter(8);
    l.onRateLimited();
    l.onRateLimited();
    expect(l.current).toBe(2);
    let successes = 0;
    const path: number[] = [];
    while (l.current < 8) {
      l.onSuccess();
      successes++;
      if (path.at(-1) !== l.current) path.push(l.current);
    }
    // A window is as many successes as the current limit: 2 + 3 + … + 7.
    expect(path).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(successes).toBe(2 + 3 + 4 + 5 + 6 + 7);
    for (let i = 0; i < 100; i++) l.onSuccess();
    expect(l.current).toBe(8);
  });

  it('shared by N processes: climbs N times slower, halves on another process push-back, counts its own', () => {
    const l = new AdaptiveLimiter(8);
    l.share(2);
    l.onRateLimited();
    l.onSuccess({ remainingRequests: 1, limitRequests: 100 });
    expect(l.current).toBe(2);
    expect(l.pushBacks).toBe(2);
    let successes = 0;
    while (l.current < 4) {
      l.onSuccess();
      successes++;
    }
    // Windows of 2 × 2 and 2 × 3 successes: the two processes together climb as one limiter would.
    expect(successes).toBe(2 * 2 + 2 * 3);
    l.backOff();
    expect(l.current).toBe(2);
    expect(l.pushBacks).toBe(2);
  });

  it('backs off when rate-limit headers say under 10% of the budget is left', () => {
    const l = new AdaptiveLimiter(10);
    l.onSuccess({ remainingRequests: 50, limitRequests: 100 });
    expect(l.current).toBe(10);
    l.onSuccess({ remainingRequests: 5, limitRequests: 100 });
    expect(l.current).toBe(5);
    l.onSuccess({ remainingTokens: 10, limitTokens: 1000 });
    expect(l.current).toBe(2);
  });

  it('a Retry-After pauses every start until it has passed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const l = new AdaptiveLimiter(4);
    l.onRateLimited(1000);
    expect(l.current).toBe(2);
    let started = 0;
    void l.acquire().then(() => started++);
    await Promise.resolve();
    expect(started).toBe(0);
    await vi.advanceTimersByTimeAsync(999);
    expect(started).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toBe(1);
  });

  it('while a call waits out a pause, the pause keeps the process alive; with nobody waiting it does not', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const l = new AdaptiveLimiter(4);
    l.onRateLimited(60_000);
    // Nobody waits: an idle pause must not hold the process open after the run.
    expect(timers()).toBe(before);
    void l.acquire();
    // Every worker may be waiting here: only this timer can wake them (it exited 13 before).
    expect(timers()).toBe(before + 1);
  });

  it('the pause ends when its timer fires, even if the wall clock says a millisecond is left', async () => {
    // Timers and Date.now() run on different clocks: a timer may fire just before Date.now() reaches
    // the end of the pause. Fake only the timers, so the wall clock lags behind them.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const l = new AdaptiveLimiter(4);
    l.onRateLimited(60_000);
    let started = 0;
    void l.acquire().then(() => started++);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(started).toBe(1);
  });

  it('a waiting call leaves the line when its signal aborts', async () => {
    const l = new AdaptiveLimiter(1);
    await l.acquire();
    const controller = new AbortController();
    const waiting = l.acquire(controller.signal);
    let next = 0;
    void l.acquire().then(() => next++);
    controller.abort();
    await expect(waiting).rejects.toThrow(/aborted/);
    l.release();
    await new Promise((r) => setImmediate(r));
    // The slot went to the next in line, not to the call that left.
    expect(next).toBe(1);
    expect(l.active).toBe(1);
  });

  it('a retried call goes to the head of the line', async () => {
    const l = new AdaptiveLimiter(1);
    await l.acquire();
    const order: string[] = [];
    void l.acquire().then(() => order.push('fresh'));
    void l.acquire(undefined, true).then(() => order.push('retry'));
    l.release();
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['retry']);
  });
});
