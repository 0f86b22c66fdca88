/** Production traffic over time, bucketed, as the monitoring page charts it. */
export interface TrafficQuery {
  fromMs: number;
  toMs: number;
  /** Bucket width in milliseconds (a minute at least). */
  bucketMs: number;
  segment?: string;
  /** Only traces with an LLM span of this model. */
  model?: string;
  /** Only traces whose prompt version is this. */
  promptVersion?: string;
}

export interface TrafficBucket {
  /** Start of the bucket, epoch ms. */
  startMs: number;
  traces: number;
  /** Traces with at least one failed span. */
  errors: number;
  errorRate: number | null;
  /** Trace durations, from a 5%-wide log histogram (within 2.5%: docs/design/traffic-rollups.md). */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  costUsd: number;
  costPerTrace: number | null;
  inputTokens: number;
  outputTokens: number;
  feedback: number;
  negativeFeedback: number;
  /** Feedback per trace of the bucket, and the negative share of it. */
  feedbackRate: number | null;
  negativeRate: number | null;
  scores: number;
  meanScore: number | null;
}

export interface TrafficSeries {
  bucketMs: number;
  buckets: TrafficBucket[];
  /** Distinct segments, models and prompt versions of the project, for the filters. */
  segments: string[];
  models: string[];
  promptVersions: string[];
}

/** Log-histogram bins per unit of ln(ms): 20 → bins about 5% wide. */
export const LATENCY_BINS_PER_LN = 20;

/** The q-quantile of a histogram of `[bin, count]` (bin = floor(ln(ms) · 20)), at the bin's middle. */
export function histogramQuantile(bins: [number, number][], q: number): number | null {
  const total = bins.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  const sorted = [...bins].sort((a, b) => a[0] - b[0]);
  const rank = q * total;
  let seen = 0;
  for (const [bin, n] of sorted) {
    seen += n;
    if (seen >= rank) return Math.exp((bin + 0.5) / LATENCY_BINS_PER_LN);
  }
  return Math.exp((sorted.at(-1)![0] + 0.5) / LATENCY_BINS_PER_LN);
}
