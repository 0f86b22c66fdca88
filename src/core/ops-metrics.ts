/** Operational metrics of a project's LLM calls (`GET /api/v1/metrics`), grouped one way. */
export interface OpsMetricsQuery {
  fromMs: number;
  toMs: number;
  groupBy: 'model' | 'segment' | 'promptVersion' | 'hour';
  /** Only the calls of this model, segment or prompt version. */
  model?: string;
  segment?: string;
  promptVersion?: string;
}

export interface OpsMetricsGroup {
  /** The model, the segment or prompt version (`(none)` when absent) or the hour's start as ISO 8601. */
  key: string;
  /** LLM calls (spans with a model). */
  queries: number;
  errors: number;
  errorRate: number | null;
  /** Call durations, from a 5%-wide log histogram (within 2.5%: docs/design/traffic-rollups.md). */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  costUsd: number;
  /** Cost over the calls with a known cost. */
  costPerQuery: number | null;
  /** Output tokens over the successful calls with token counts. */
  outputTokensPerAnswer: number | null;
  /** Every call's input + output tokens (failed ones included) over the successful calls. */
  tokensPerSuccessfulAnswer: number | null;
}

export interface OpsMetrics {
  groupBy: OpsMetricsQuery['groupBy'];
  fromMs: number;
  toMs: number;
  model?: string;
  segment?: string;
  promptVersion?: string;
  groups: OpsMetricsGroup[];
}
