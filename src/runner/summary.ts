import type { ResultRecord } from '../core/run.js';
import type { ErrorCount, EvaluatorSummary, PassRate, RunSummary } from '../core/summary.js';
import { percentileOfSorted } from '../stats/descriptive.js';
import { wilson } from '../stats/intervals.js';
import { getOrCreate } from '../util/maps.js';
import { RepeatTracker } from './repeats.js';

interface Counter {
  total: number;
  passed: number;
  failed: number;
  errors: number;
}

/** Error messages listed per target in the summary, and distinct ones counted per target. */
const TOP_ERRORS = 5;
const MAX_DISTINCT_ERRORS = 200;

const counter = (): Counter => ({ total: 0, passed: 0, failed: 0, errors: 0 });

function count(c: Counter, r: ResultRecord): void {
  c.total++;
  if (r.error !== undefined) c.errors++;
  else if (r.pass) c.passed++;
  else c.failed++;
}

/** A pass rate with its 95% Wilson interval; errors are not answers, so they are left out of it. */
export function toPassRate(c: Counter): PassRate {
  const judged = c.passed + c.failed;
  const rate: PassRate = { ...c, passRate: judged === 0 ? 0 : c.passed / judged };
  if (judged > 0) rate.interval = wilson(c.passed, judged);
  return rate;
}

/**
 * Aggregates results one at a time, in constant memory per stratum (latencies aside: one number per
 * result, to give exact percentiles).
 */
export class SummaryBuilder {
  private readonly all = counter();
  private readonly byTag = new Map<string, Map<string, Counter>>();
  private readonly byTarget = new Map<string, Counter>();
  private readonly byEvaluator = new Map<
    string,
    { count: number; passed: number; errors: number; sum: number; scored: number }
  >();
  private latencies = new Float64Array(1024);
  private latencyCount = 0;
  private tokensIn = 0;
  private tokensOut = 0;
  private cost = 0;
  private cached = 0;
  /** Error messages by target, counted; a bounded number of distinct messages each. */
  private readonly errorMessages = new Map<string, Map<string, number>>();

  /** Set when cases run several times: per-case tallies for flakiness and clustered intervals. */
  readonly repeats: RepeatTracker | undefined;

  constructor(repeat = 1) {
    this.repeats = repeat > 1 ? new RepeatTracker(repeat) : undefined;
  }

  add(r: ResultRecord): void {
    this.repeats?.add(r);
    count(this.all, r);
    count(getOrCreate(this.byTarget, r.target, counter), r);
    for (const [key, value] of Object.entries(r.tags)) {
      count(
        getOrCreate(
          getOrCreate(this.byTag, key, () => new Map<string, Counter>()),
          value,
          counter,
        ),
        r,
      );
    }
    for (const s of r.scores) {
      const e = getOrCreate(this.byEvaluator, s.evaluator, () => ({
        count: 0,
        passed: 0,
        errors: 0,
        sum: 0,
        scored: 0,
      }));
      e.count++;
      if (s.error !== undefined || s.value === null) e.errors += s.error !== undefined ? 1 : 0;
      else {
        e.sum += s.value;
        e.scored++;
      }
      if (s.pass === true) e.passed++;
    }
    if (r.output) {
      if (this.latencyCount === this.latencies.length) {
        const grown = new Float64Array(this.latencies.length * 2);
        grown.set(this.latencies);
        this.latencies = grown;
      }
      this.latencies[this.latencyCount++] = r.latencyMs;
      if (r.output.cached) this.cached++;
    }
    if (r.error !== undefined) this.countError(r.target, r.error);
    this.tokensIn += r.tokens?.input ?? 0;
    this.tokensOut += r.tokens?.output ?? 0;
    this.cost += r.costUsd ?? 0;
  }

  private countError(target: string, message: string): void {
    const counts = getOrCreate(this.errorMessages, target, () => new Map<string, number>());
    const n = counts.get(message);
    if (n !== undefined) counts.set(message, n + 1);
    else if (counts.size < MAX_DISTINCT_ERRORS) counts.set(message, 1);
  }

  private topErrors(): ErrorCount[] {
    const out: ErrorCount[] = [];
    for (const [target, counts] of this.errorMessages) {
      const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, TOP_ERRORS);
      for (const [message, count] of top) out.push({ target, message, count });
    }
    return out;
  }

  get progress(): Counter {
    return { ...this.all };
  }

  build(durationMs: number): RunSummary {
    const lat = this.latencies.slice(0, this.latencyCount).sort();
    const pct = (p: number) => (lat.length ? percentileOfSorted(lat, p) : 0);
    let sum = 0;
    for (const v of lat) sum += v;
    const byTag: RunSummary['byTag'] = {};
    for (const [key, m] of [...this.byTag].sort(([a], [b]) => a.localeCompare(b))) {
      byTag[key] = Object.fromEntries(
        [...m].sort(([a], [b]) => a.localeCompare(b)).map(([v, c]) => [v, toPassRate(c)]),
      );
    }
    const byEvaluator: Record<string, EvaluatorSummary> = {};
    for (const [name, e] of this.byEvaluator) {
      byEvaluator[name] = {
        evaluator: name,
        count: e.count,
        passed: e.passed,
        errors: e.errors,
        meanScore: e.scored ? e.sum / e.scored : null,
      };
    }
    const overall = toPassRate(this.all);
    const byTarget = Object.fromEntries([...this.byTarget].map(([k, c]) => [k, toPassRate(c)]));
    this.repeats?.clusterIntervals(overall, byTag, byTarget);
    return {
      ...overall,
      byTag,
      ...(this.repeats ? { repeats: this.repeats.summary() } : {}),
      ...(this.errorMessages.size ? { topErrors: this.topErrors() } : {}),
      byTarget,
      byEvaluator,
      latencyMs: {
        p50: pct(50),
        p95: pct(95),
        p99: pct(99),
        mean: lat.length ? sum / lat.length : 0,
        max: lat.length ? lat[lat.length - 1]! : 0,
      },
      tokens: { input: this.tokensIn, output: this.tokensOut, total: this.tokensIn + this.tokensOut },
      costUsd: this.cost,
      cached: this.cached,
      durationMs,
    };
  }
}
