import type { Score } from '../core/score.js';
import type { SignalRecord } from '../core/signal.js';
import type { SpanScoreRecord, TraceDetail, TraceMessage } from '../core/trace.js';
import type { TraceStore } from '../core/trace-store.js';
import type { MonitoredTrace } from './traffic.js';

/** The `source` of the scores the monitor's online evaluators write. */
export const ONLINE_SCORE_SOURCE = 'monitor';

const lastOf = (messages: TraceMessage[], role: string) =>
  [...messages].reverse().find((m) => m.role === role)?.content ?? '';

/**
 * A stored trace as the monitor sees it: the input is the last user message of its first LLM span
 * (the root span's when it has none), the output the last assistant message of its last LLM span;
 * errors, cost, tokens, latency, tags, metadata (span attributes), feedback and scores from all its
 * spans; the kinds of the implicit signals stored for it (`rephrase`, …).
 */
export function monitoredFromDetail(d: TraceDetail, signals: readonly SignalRecord[] = []): MonitoredTrace {
  const llm = d.spans.filter((s) => s.kind === 'llm' || s.model);
  const first = llm[0] ?? d.spans[0];
  const last = llm[llm.length - 1] ?? d.spans[d.spans.length - 1];
  const error = d.spans.find((s) => s.status === 'error' || s.error)?.error;
  const scores: Record<string, number | null> = {};
  let scoredOnline = false;
  for (const s of d.spans) {
    for (const sc of s.scores) {
      scores[sc.name] = sc.value;
      if (sc.source === ONLINE_SCORE_SOURCE) scoredOnline = true;
    }
  }
  const tags = Object.assign({}, ...d.spans.map((s) => s.tags)) as Record<string, string>;
  // A native event's `metadata` is stored as its span's attributes.
  const metadata = Object.assign({}, ...d.spans.map((s) => s.attributes)) as Record<string, unknown>;
  const contexts = d.spans.flatMap((s) => s.contexts.map((c) => c.content));
  const kinds = [...new Set(signals.map((s) => s.kind))];
  return {
    id: d.traceId,
    timestamp: d.startMs,
    input: first ? lastOf(first.input, 'user') || (first.input[first.input.length - 1]?.content ?? '') : '',
    output: last
      ? lastOf(last.output, 'assistant') || (last.output[last.output.length - 1]?.content ?? '')
      : '',
    ...(d.models[0] ? { model: d.models[0] } : {}),
    ...(d.promptVersion ? { promptVersion: d.promptVersion } : {}),
    tags,
    ...(Object.keys(metadata).length ? { metadata } : {}),
    ...(error || d.errorCount > 0 ? { error: error ?? 'error' } : {}),
    ...(d.endMs !== null ? { latencyMs: d.endMs - d.startMs } : {}),
    ...(d.costUsd === null ? {} : { costUsd: d.costUsd }),
    usage: { inputTokens: d.inputTokens, outputTokens: d.outputTokens },
    ...(contexts.length ? { contexts } : {}),
    feedback: d.feedback.flatMap((f) => (f.value === null ? [] : [{ name: f.name, value: f.value }])),
    ...(kinds.length ? { signals: kinds } : {}),
    ...(Object.keys(scores).length ? { scores } : {}),
    ...(last ? { spanId: last.spanId } : {}),
    ...(scoredOnline ? { scoredOnline } : {}),
  };
}

/** Every trace of a project that started in [fromMs, toMs), with its signals, oldest first. */
export async function loadTraffic(
  store: TraceStore,
  projectId: string,
  fromMs: number,
  toMs: number,
): Promise<MonitoredTrace[]> {
  const out: MonitoredTrace[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listTraces(projectId, {
      fromMs,
      toMs,
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    // The page's spans, scores, feedback and signals in a few queries, not two reads per trace.
    const details = await store.tracesWithSignals(
      projectId,
      page.traces.map((t) => t.traceId),
    );
    for (const t of page.traces) {
      const d = details.get(t.traceId);
      if (d) out.push(monitoredFromDetail(d.detail, d.signals));
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out.sort((a, b) => a.timestamp - b.timestamp);
}

/**
 * Writes online scores onto their traces' spans (source `monitor`), in one commit. Only traces
 * scored in full are written: a trace whose judges were deferred is scored again, whole, later.
 */
export async function writeOnlineScores(
  store: TraceStore,
  projectId: string,
  scored: readonly OnlineScores[],
  nowMs: number,
): Promise<number> {
  const records: SpanScoreRecord[] = scored.flatMap((t) =>
    t.scores.map((s) => ({
      projectId,
      traceId: t.traceId,
      spanId: t.spanId,
      name: s.evaluator,
      value: s.value,
      label: s.pass === null ? null : s.pass ? 'pass' : 'fail',
      explanation: s.error ?? s.reason ?? null,
      source: ONLINE_SCORE_SOURCE,
      createdMs: nowMs,
    })),
  );
  if (records.length) await store.writeIngest({ spans: [], scores: records, feedback: [], events: [] });
  return records.length;
}

/** A trace's online scores, to be stored on its span. */
export interface OnlineScores {
  traceId: string;
  spanId: string;
  scores: Score[];
}
