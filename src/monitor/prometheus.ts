import type { IngestBatch } from '../core/trace.js';
import type { IngestStats } from './ingest-queue.js';
import type { SignalStats } from './signals-tracker.js';

/** What the server reports of itself in `/metrics`, beside a project's series. */
export interface ServerStats {
  queue: IngestStats;
  /** Threads decoding OTLP bodies now (`assay serve --threads`). */
  decodingThreads?: number;
  signals?: SignalStats;
}

/** Latency histogram bounds of `assay_llm_latency_ms`, in milliseconds. */
export const LATENCY_BUCKETS_MS = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000];
/** Distinct (model, segment, prompt version) label sets kept per project; more fold into model="other". */
const MAX_SERIES = 500;

interface Series {
  calls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latency: number[];
  latencySum: number;
  latencyCount: number;
}

const newSeries = (): Series => ({
  calls: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  latency: LATENCY_BUCKETS_MS.map(() => 0),
  latencySum: 0,
  latencyCount: 0,
});

/** A label value in the text format: backslash, double quote and newline escaped. */
const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * Counters of committed LLM spans per project, model, segment and prompt version, fed by `queue.observe` after each
 * commit, rendered in the Prometheus text format (0.0.4) by `GET /metrics`. Latency is a histogram
 * so Grafana computes p50/p95/p99 with `histogram_quantile`; cost and tokens are counters.
 */
export class TrafficCounters {
  private readonly projects = new Map<string, Map<string, Series>>();
  private feedback = new Map<string, number>();

  observe(batch: IngestBatch): void {
    for (const s of batch.spans) {
      if (s.model === null) continue;
      let series = this.projects.get(s.projectId);
      if (!series) {
        series = new Map();
        this.projects.set(s.projectId, series);
      }
      let key = JSON.stringify([s.model, s.tags.segment ?? '', s.promptVersion ?? '']);
      if (!series.has(key) && series.size >= MAX_SERIES) key = JSON.stringify(['other', '', '']);
      let x = series.get(key);
      if (!x) {
        x = newSeries();
        series.set(key, x);
      }
      x.calls++;
      if (s.status === 'error') x.errors++;
      x.inputTokens += s.inputTokens ?? 0;
      x.outputTokens += s.outputTokens ?? 0;
      x.costUsd += s.costUsd ?? 0;
      if (s.endMs !== null) {
        const ms = s.endMs - s.startMs;
        LATENCY_BUCKETS_MS.forEach((b, i) => {
          if (ms <= b) x.latency[i]!++;
        });
        x.latencySum += ms;
        x.latencyCount++;
      }
    }
    for (const f of batch.feedback) this.feedback.set(f.projectId, (this.feedback.get(f.projectId) ?? 0) + 1);
  }

  /**
   * The text exposition of one project's series and the server's own: its ingestion queue, its
   * decoding threads and its signal tracker.
   */
  render(projectId: string, server: ServerStats): string {
    const { queue: stats, signals } = server;
    const out: string[] = [];
    const metric = (name: string, type: string, help: string) =>
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    // A series without labels: its HELP and TYPE lines, then its one sample.
    const single = (name: string, type: 'gauge' | 'counter', help: string, value: number) => {
      metric(name, type, help);
      out.push(`${name} ${value}`);
    };
    single('assay_ingest_queue_depth', 'gauge', 'Records waiting for a commit.', stats.depth);
    single(
      'assay_ingest_queue_capacity',
      'gauge',
      'Records the queue holds at most before answering 503.',
      stats.capacity,
    );
    single(
      'assay_ingest_requests_in_progress',
      'gauge',
      'Ingest requests admitted and not yet answered.',
      stats.requests,
    );
    single(
      'assay_ingest_requests_waiting',
      'gauge',
      'Admitted ingest requests waiting for their turn to read their bodies.',
      stats.waitingTurn,
    );
    single(
      'assay_ingest_records_committed_total',
      'counter',
      'Records committed (spans, scores, feedback, events).',
      stats.committed,
    );
    single(
      'assay_ingest_rejections_total',
      'counter',
      'Requests refused with 503 because the queue was full.',
      stats.refused,
    );
    single('assay_ingest_commits_total', 'counter', 'Group commits made.', stats.commits);
    single(
      'assay_ingest_commit_failures_total',
      'counter',
      'Group commits that failed (their requests got 503).',
      stats.failures,
    );
    if (server.decodingThreads !== undefined)
      single(
        'assay_ingest_decoding_threads',
        'gauge',
        'Threads decoding OTLP bodies (0: the main thread decodes; fewer than started after a thread stopped for good).',
        server.decodingThreads,
      );
    if (signals) {
      single(
        'assay_signal_sessions_pending',
        'gauge',
        'Sessions waiting for their signals to be recomputed.',
        signals.pending,
      );
      single(
        'assay_signal_traces_pending',
        'gauge',
        'Traces kept in memory for the sessions waiting (bounded; past it sessions are read from the store).',
        signals.pendingTraces,
      );
      single(
        'assay_signal_sessions_recomputed_total',
        'counter',
        'Sessions whose signals were recomputed.',
        signals.recomputed,
      );
      single(
        'assay_signal_sessions_dropped_total',
        'counter',
        'Sessions not taken for a recompute because too many were waiting (overload).',
        signals.dropped,
      );
      single(
        'assay_signal_sessions_spilled_total',
        'counter',
        'Sessions memory could not hold, looked up in the store once their abandonment timeout passes.',
        signals.spilled,
      );
      single('assay_signal_failures_total', 'counter', 'Session recomputes that failed.', signals.failures);
    }
    // The process's memory, by the names Prometheus' own client libraries give it.
    const memory = process.memoryUsage();
    single('process_resident_memory_bytes', 'gauge', 'Resident set size of the server process.', memory.rss);
    single('nodejs_heap_size_used_bytes', 'gauge', "The main thread's V8 heap in use.", memory.heapUsed);
    single(
      'assay_feedback_total',
      'counter',
      'Feedback records committed for this project.',
      this.feedback.get(projectId) ?? 0,
    );
    const series = [...(this.projects.get(projectId) ?? new Map<string, Series>())].map(([key, x]) => {
      const [model, segment, version] = JSON.parse(key) as [string, string, string];
      return {
        labels: `model="${esc(model)}",segment="${esc(segment)}",prompt_version="${esc(version)}"`,
        x,
      };
    });
    const counter = (name: string, help: string, value: (x: Series) => number) => {
      metric(name, 'counter', help);
      for (const { labels, x } of series) out.push(`${name}{${labels}} ${value(x)}`);
    };
    counter('assay_llm_calls_total', 'LLM spans committed.', (x) => x.calls);
    counter('assay_llm_errors_total', 'LLM spans with an error status.', (x) => x.errors);
    counter('assay_llm_input_tokens_total', 'Input tokens of LLM spans.', (x) => x.inputTokens);
    counter('assay_llm_output_tokens_total', 'Output tokens of LLM spans.', (x) => x.outputTokens);
    counter(
      'assay_llm_cost_usd_total',
      'Cost of LLM spans in USD (sent or from the price table).',
      (x) => x.costUsd,
    );
    metric('assay_llm_latency_ms', 'histogram', 'Latency of LLM spans in milliseconds.');
    for (const { labels, x } of series) {
      for (const [i, b] of LATENCY_BUCKETS_MS.entries())
        out.push(`assay_llm_latency_ms_bucket{${labels},le="${b}"} ${x.latency[i]}`);
      out.push(`assay_llm_latency_ms_bucket{${labels},le="+Inf"} ${x.latencyCount}`);
      out.push(`assay_llm_latency_ms_sum{${labels}} ${x.latencySum}`);
      out.push(`assay_llm_latency_ms_count{${labels}} ${x.latencyCount}`);
    }
    return `${out.join('\n')}\n`;
  }
}
