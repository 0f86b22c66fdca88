import { errorMessage } from '../core/errors.js';
import { ERROR_KINDS, type ErrorKind, errorKind } from './error-kind.js';
import { type HistogramBin, LatencyHistogram } from './latency-histogram.js';

export interface LatencySummary {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
  min: number | null;
}

/** What a load test measured. Latencies are in milliseconds, rates in requests per second. */
export interface LoadResult {
  target: string;
  mode: 'open' | 'closed';
  requestedRps?: number;
  concurrency?: number;
  /** The test's planned length; `elapsedMs` adds the wait for the last answers. */
  durationMs: number;
  elapsedMs: number;
  /** Requests sent. */
  sent: number;
  /** Requests that ended, answered or failed (those cancelled by an interrupt are left out). */
  requests: number;
  ok: number;
  errors: number;
  errorRate: number | null;
  errorsByKind: Record<ErrorKind, number>;
  /** The first message seen of each kind of error, to say what went wrong. */
  errorSamples: Partial<Record<ErrorKind, string>>;
  cancelled: number;
  /** Responses per second, answered or failed: a least-squares rate over the middle 90% of the responses. */
  throughputRps: number | null;
  /** Answered requests per second, measured the same way. */
  goodputRps: number | null;
  /** Requests started per second: below the requested rate, the generator fell behind. */
  sentRps: number | null;
  /** Of answered requests; in an open loop, from the time each request was due to start. */
  latencyMs: LatencySummary;
  /** Time to the first streamed token; null when the target does not stream. */
  ttftMs: LatencySummary | null;
  /** How late the generator started requests after they were due (open loop). */
  lagMs: LatencySummary | null;
  peakInFlight: number;
  histogram: HistogramBin[];
}

function summarize(h: LatencyHistogram): LatencySummary {
  return {
    p50: h.percentile(50),
    p90: h.percentile(90),
    p95: h.percentile(95),
    p99: h.percentile(99),
    max: h.maxMs,
    mean: h.meanMs,
    min: h.minMs,
  };
}

const BIN_MS = 5;

/**
 * When responses arrived, counted in 5 ms bins from the start of the test: enough to measure a
 * rate over any part of the test without keeping a timestamp per request.
 */
class Timeline {
  private bins: number[] = [];
  count = 0;

  add(msSinceStart: number): void {
    const i = Math.max(0, Math.floor(msSinceStart / BIN_MS));
    while (this.bins.length <= i) this.bins.push(0);
    this.bins[i]!++;
    this.count++;
  }

  /**
   * Responses per second: the slope of a least-squares line through the arrival times of the
   * middle 90% of the responses (arrival time against arrival rank). A short test is not skewed by
   * its warm-up (first connections) or by its last stragglers, a burst of slow answers at one moment
   * moves the line little, and a server that falls behind spreads its responses out, which lowers it.
   */
  rate(): number | null {
    const n = this.count;
    if (n < 2) return null;
    let lo = Math.floor(n * 0.05) + 1;
    let hi = Math.ceil(n * 0.95);
    if (hi - lo < 2) [lo, hi] = [1, n];
    // Welford's running means and co-moments: stable for millions of points.
    let count = 0;
    let meanK = 0;
    let meanT = 0;
    let cov = 0;
    let varK = 0;
    let k = 0;
    for (let i = 0; i < this.bins.length && k < hi; i++) {
      const c = this.bins[i]!;
      for (let j = 1; j <= c && k < hi; j++) {
        k++;
        if (k < lo) continue;
        // Arrivals within one bin are taken as evenly spread over it.
        const t = (i + (j - 0.5) / c) * BIN_MS;
        count++;
        const dk = k - meanK;
        meanK += dk / count;
        meanT += (t - meanT) / count;
        cov += dk * (t - meanT);
        varK += dk * (k - meanK);
      }
    }
    const msPerResponse = varK > 0 ? cov / varK : 0;
    return msPerResponse > 0 ? 1000 / msPerResponse : null;
  }
}

/** Counts and times every request of a load test; cheap enough to call thousands of times a second. */
export class LoadRecorder {
  readonly latency = new LatencyHistogram();
  readonly ttft = new LatencyHistogram();
  readonly lag = new LatencyHistogram();
  readonly errorsByKind = Object.fromEntries(ERROR_KINDS.map((k) => [k, 0])) as Record<ErrorKind, number>;
  readonly errorSamples: Partial<Record<ErrorKind, string>> = {};
  sent = 0;
  ok = 0;
  errors = 0;
  cancelled = 0;
  inFlight = 0;
  peakInFlight = 0;
  private firstSent = Number.NaN;
  private lastSent = Number.NaN;
  private readonly done = new Timeline();
  private readonly answers = new Timeline();

  /** `now` values passed in are `performance.now()`; times are kept relative to the test's start. */
  constructor(private readonly t0: number) {}

  started(now: number, lagMs?: number): void {
    this.sent++;
    if (this.sent === 1) this.firstSent = now;
    this.lastSent = now;
    if (++this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
    if (lagMs !== undefined) this.lag.record(lagMs);
  }

  private ended(now: number): void {
    this.inFlight--;
    this.done.add(now - this.t0);
  }

  answered(now: number, latencyMs: number, ttftMs?: number): void {
    this.ended(now);
    this.ok++;
    this.answers.add(now - this.t0);
    this.latency.record(latencyMs);
    if (ttftMs !== undefined) this.ttft.record(ttftMs);
  }

  failed(now: number, error: unknown, kind: ErrorKind = errorKind(error)): void {
    this.ended(now);
    this.errors++;
    this.errorsByKind[kind]++;
    this.errorSamples[kind] ??= errorMessage(error).split('\n')[0]!;
  }

  cancel(): void {
    this.inFlight--;
    this.cancelled++;
  }

  result(info: {
    target: string;
    mode: 'open' | 'closed';
    requestedRps?: number;
    concurrency?: number;
    durationMs: number;
    now: number;
  }): LoadResult {
    const requests = this.ok + this.errors;
    return {
      target: info.target,
      mode: info.mode,
      ...(info.requestedRps === undefined ? {} : { requestedRps: info.requestedRps }),
      ...(info.concurrency === undefined ? {} : { concurrency: info.concurrency }),
      durationMs: info.durationMs,
      elapsedMs: info.now - this.t0,
      sent: this.sent,
      requests,
      ok: this.ok,
      errors: this.errors,
      errorRate: requests > 0 ? this.errors / requests : null,
      errorsByKind: { ...this.errorsByKind },
      errorSamples: { ...this.errorSamples },
      cancelled: this.cancelled,
      throughputRps: this.done.rate(),
      goodputRps: this.answers.rate(),
      sentRps:
        this.sent >= 2 && this.lastSent > this.firstSent
          ? ((this.sent - 1) / (this.lastSent - this.firstSent)) * 1000
          : null,
      latencyMs: summarize(this.latency),
      ttftMs: this.ttft.count > 0 ? summarize(this.ttft) : null,
      lagMs: this.lag.count > 0 ? summarize(this.lag) : null,
      peakInFlight: this.peakInFlight,
      histogram: this.latency.bins(),
    };
  }
}
