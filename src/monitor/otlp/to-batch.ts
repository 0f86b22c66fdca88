import type { IngestBatch, SpanRecord } from '../../core/trace.js';
import { emptyBatch } from '../../core/trace.js';
import { costOf } from '../cost.js';
import { interpret, type SpanEvent } from './conventions.js';
import type { OtlpSpan, OtlpTraceRequest } from './decode.js';
import { attributes, hexId, nanosToMs } from './values.js';

export interface OtlpConversion {
  batch: IngestBatch;
  accepted: number;
  rejected: number;
  /** Why the first refused spans were refused (a few, for `partialSuccess.errorMessage`). */
  reasons: string[];
}

const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const ZERO = /^0+$/;
const validId = (id: string | undefined, digits: number): id is string =>
  id !== undefined && id.length === digits && !ZERO.test(id);

/**
 * An OTLP trace request → the records Assay stores. Every span is kept, with its parent; a span
 * without a valid trace id, span id or start time is refused and counted (`partialSuccess`).
 */
export function otlpToBatch(request: OtlpTraceRequest, projectId: string, nowMs: number): OtlpConversion {
  const out: OtlpConversion = { batch: emptyBatch(), accepted: 0, rejected: 0, reasons: [] };
  const refuse = (why: string) => {
    out.rejected += 1;
    if (out.reasons.length < 3) out.reasons.push(why);
  };
  for (const rs of request.resourceSpans ?? []) {
    const resource = attributes(rs?.resource?.attributes);
    for (const ss of rs?.scopeSpans ?? []) {
      for (const span of ss?.spans ?? []) {
        const record = toSpan(span, resource, projectId, out, nowMs);
        if (typeof record === 'string') refuse(record);
        else out.accepted += 1;
      }
    }
  }
  return out;
}

function toSpan(
  span: OtlpSpan,
  resource: Record<string, unknown>,
  projectId: string,
  out: OtlpConversion,
  nowMs: number,
): SpanRecord | string {
  const traceId = hexId(span?.traceId);
  const spanId = hexId(span?.spanId);
  if (!validId(traceId, 32))
    return `span "${span?.name ?? ''}": traceId must be 16 bytes (32 hex digits), not all zero`;
  if (!validId(spanId, 16))
    return `span "${span?.name ?? ''}": spanId must be 8 bytes (16 hex digits), not all zero`;
  const startMs = nanosToMs(span.startTimeUnixNano);
  if (startMs === undefined || startMs <= 0) return `span ${spanId}: startTimeUnixNano is missing`;
  const endMs = nanosToMs(span.endTimeUnixNano);
  // Object.assign, not a spread: V8 then grows the spread's copy slowly, key by key (~10 µs a span
  // of 14 attributes, measured with bench/ingest-parts.ts; docs/benchmarks.md).
  const attrs = attributes(span.attributes, Object.assign({}, resource));
  const events: SpanEvent[] = [];
  if (span.events)
    for (const e of span.events)
      events.push({
        name: e?.name ?? '',
        timeMs: nanosToMs(e?.timeUnixNano),
        attributes: attributes(e?.attributes),
      });
  const it = interpret(attrs, events);
  const kept: Record<string, unknown> = {};
  // Own keys only: an attribute named `__proto__` gives `attrs` a prototype whose keys are not attributes.
  for (const k of Object.keys(attrs)) if (!it.consumed.has(k)) kept[k] = attrs[k];
  const kind = typeof span.kind === 'number' ? SPAN_KINDS[span.kind] : span.kind;
  if (kind && kind !== 'unspecified')
    kept['otel.span.kind'] = String(kind)
      .replace(/^SPAN_KIND_/, '')
      .toLowerCase();
  const other = events.length === 0 ? events : events.filter((e) => !it.consumedEvents.has(e));
  if (other.length > 0) kept['otel.events'] = other;
  const statusCode = span.status?.code;
  const failed = statusCode === 2 || statusCode === 'STATUS_CODE_ERROR';
  const ok = statusCode === 1 || statusCode === 'STATUS_CODE_OK';
  const exception = other.find((e) => e.name === 'exception')?.attributes['exception.message'];
  const tags: Record<string, string> = {};
  if (it.segment !== null) tags.segment = it.segment;
  const record: SpanRecord = {
    projectId,
    traceId,
    spanId,
    parentSpanId: hexId(span.parentSpanId) ?? null,
    name: span.name || '(unnamed)',
    kind: it.kind,
    startMs,
    endMs: endMs !== undefined && endMs > 0 ? endMs : null,
    model: it.model,
    provider: it.provider,
    operation: it.operation,
    inputTokens: it.inputTokens,
    outputTokens: it.outputTokens,
    totalTokens: it.totalTokens,
    costUsd: it.costUsd ?? costOf(it.model, it.inputTokens, it.outputTokens),
    input: it.input,
    output: it.output,
    contexts: it.contexts,
    attributes: kept,
    status: failed ? 'error' : ok ? 'ok' : 'unset',
    error: failed
      ? span.status?.message ||
        (typeof exception === 'string' ? exception : null) ||
        String(attrs['error.type'] ?? 'error')
      : null,
    sessionId: it.sessionId,
    userId: it.userId,
    tags,
    promptVersion: it.promptVersion,
    source: 'otlp',
  };
  out.batch.spans.push(record);
  for (const e of it.evaluations)
    out.batch.scores.push({ projectId, traceId, spanId, ...e, source: 'otlp', createdMs: nowMs });
  return record;
}
