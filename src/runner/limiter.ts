import { AssayError } from '../core/errors.js';
import type { RateLimitInfo } from '../core/provider.js';

/**
 * A concurrency limit that adapts (AIMD, as TCP does): it halves when the API says 429 or its
 * rate-limit headers run low, and climbs back by one per window of successes when they stop.
 */
export class AdaptiveLimiter {
  private inFlight = 0;
  private limit: number;
  private successes = 0;
  private readonly waiters: (() => void)[] = [];
  /** Until then, no new call starts (the server asked us to wait). */
  private pausedUntil = 0;
  private pauseTimer: NodeJS.Timeout | undefined;
  /** Processes sharing the endpoint (`share`): the climb is this many times slower. */
  private sharers = 1;
  /** Push-backs so far, for processes that share an endpoint to tell each other. */
  private pushBackCount = 0;

  constructor(
    readonly max: number,
    private readonly min = 1,
  ) {
    this.limit = max;
  }

  get current(): number {
    return this.limit;
  }

  get active(): number {
    return this.inFlight;
  }

  /**
   * Resolves when a call may start. `retry`: a call that already waited out a failure goes to the
   * head of the line, so pushed-back calls are not starved by fresh ones. Rejects when `signal` aborts.
   */
  acquire(signal?: AbortSignal, retry = false): Promise<void> {
    if (this.waiters.length === 0 && this.inFlight < this.limit && Date.now() >= this.pausedUntil) {
      this.inFlight++;
      return Promise.resolve();
    }
    if (signal?.aborted) return Promise.reject(abortError());
    // While a call waits out a pause, the pause's timer is all that will wake it: it must keep the
    // process alive, or a run whose workers all wait ends mid-way with an empty event loop.
    this.pauseTimer?.ref();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(admit);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(abortError());
      };
      const admit = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (retry) this.waiters.unshift(admit);
      else this.waiters.push(admit);
    });
  }

  /** Milliseconds until new calls may start again (0 when not paused). */
  get pauseLeftMs(): number {
    return Math.max(0, this.pausedUntil - Date.now());
  }

  release(): void {
    this.inFlight--;
    this.drain();
  }

  /** A call succeeded; `rate` is what the response headers said of the remaining budget. */
  onSuccess(rate?: RateLimitInfo): void {
    if (rate && lowOnBudget(rate)) {
      this.pushBackCount++;
      this.decrease();
      return;
    }
    if (this.limit < this.max && ++this.successes >= this.limit * this.sharers) {
      this.successes = 0;
      this.limit++;
      this.drain();
    }
  }

  /** The API pushed back (429, or 503 with Retry-After): back off, and pause all starts if asked. */
  onRateLimited(retryAfterMs?: number): void {
    this.pushBackCount++;
    this.decrease();
    if (retryAfterMs && retryAfterMs > 0) this.pause(retryAfterMs);
  }

  /** How many times the endpoint pushed back on this limiter (429s, budgets running low). */
  get pushBacks(): number {
    return this.pushBackCount;
  }

  /**
   * The endpoint is shared with `processes` processes in all (this one included) whose limiters
   * adapt to the same server (`assay worker`s): each climbs `processes` times slower, so together
   * they climb as one limiter would, and halves when another one was pushed back (`backOff`).
   */
  share(processes: number): void {
    this.sharers = Math.max(1, Math.floor(processes));
  }

  /** Another process sharing the endpoint was pushed back: halve as if it had been this one. */
  backOff(): void {
    this.decrease();
  }

  private decrease(): void {
    this.successes = 0;
    this.limit = Math.max(this.min, Math.floor(this.limit / 2));
  }

  private pause(ms: number): void {
    const until = Date.now() + ms;
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(() => {
      this.pauseTimer = undefined;
      // Timers run on a monotonic clock and may fire a millisecond before Date.now() says the
      // pause is over: this timer ends the pause, or nothing would ever wake the waiters.
      this.pausedUntil = 0;
      this.drain();
    }, ms);
    // Nobody waiting: the pause alone must not hold the process open once the run is over.
    if (this.waiters.length === 0) this.pauseTimer.unref();
  }

  private drain(): void {
    if (Date.now() < this.pausedUntil) return;
    while (this.waiters.length > 0 && this.inFlight < this.limit) {
      this.inFlight++;
      this.waiters.shift()!();
    }
  }
}

/** Under 10% of the request or token budget left in the current window. */
function lowOnBudget(rate: RateLimitInfo): boolean {
  const low = (remaining?: number, limit?: number) =>
    remaining !== undefined && limit !== undefined && limit > 0 && remaining / limit < 0.1;
  return low(rate.remainingRequests, rate.limitRequests) || low(rate.remainingTokens, rate.limitTokens);
}

function abortError(): AssayError {
  return new AssayError('run.aborted', 'aborted');
}
