import type { StoredSpan, TraceDetail, TraceSummary } from '../core/trace.js';

/** The public JSON of traces (API and `assay traces --json`): ISO times and durations, no project ids. */

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const duration = (start: number, end: number | null) =>
  end === null ? null : Math.round((end - start) * 1000) / 1000;
/** A cost to 12 significant digits: tokens × price / 1e6 leaves float noise (0.0000065999999999999995). */
const usd = (x: number | null) => (x === null ? null : Number(x.toPrecision(12)));

export function traceSummaryJson(t: TraceSummary) {
  return {
    traceId: t.traceId,
    name: t.name,
    startTime: iso(t.startMs),
    endTime: iso(t.endMs),
    durationMs: duration(t.startMs, t.endMs),
    spanCount: t.spanCount,
    models: t.models,
    usage: { inputTokens: t.inputTokens, outputTokens: t.outputTokens },
    costUsd: usd(t.costUsd),
    errorCount: t.errorCount,
    sessionId: t.sessionId,
    userId: t.userId,
    segment: t.segment,
    promptVersion: t.promptVersion,
  };
}

export function spanJson(s: StoredSpan) {
  return {
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    name: s.name,
    kind: s.kind,
    startTime: iso(s.startMs),
    endTime: iso(s.endMs),
    durationMs: duration(s.startMs, s.endMs),
    model: s.model,
    provider: s.provider,
    operation: s.operation,
    usage: { inputTokens: s.inputTokens, outputTokens: s.outputTokens, totalTokens: s.totalTokens },
    costUsd: usd(s.costUsd),
    input: s.input,
    output: s.output,
    inputText: s.input.map((m) => m.content).join('\n'),
    outputText: s.output.map((m) => m.content).join('\n'),
    contexts: s.contexts,
    status: s.status,
    error: s.error,
    sessionId: s.sessionId,
    userId: s.userId,
    tags: s.tags,
    promptVersion: s.promptVersion ?? null,
    attributes: s.attributes,
    source: s.source,
    scores: s.scores.map((x) => ({
      name: x.name,
      value: x.value,
      label: x.label,
      explanation: x.explanation,
      source: x.source,
    })),
  };
}

/** A whole trace; `signals` is filled by the signal detectors once they store any. */
export function traceDetailJson(t: TraceDetail, signals: unknown[] = []) {
  return {
    ...traceSummaryJson(t),
    spans: t.spans.map(spanJson),
    feedback: t.feedback.map(({ projectId: _p, ...f }) => ({ ...f, timestamp: iso(f.timestampMs) })),
    signals,
  };
}
