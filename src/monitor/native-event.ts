import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AssayError } from '../core/errors.js';
import type { IngestBatch, SpanRecord, TraceContext } from '../core/trace.js';
import { emptyBatch } from '../core/trace.js';
import { costOf } from './cost.js';
import { text, toMessages } from './otlp/messages.js';

/** A time: ISO 8601 text or epoch milliseconds. */
const time = z.union([
  z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO 8601 time'),
  z.number(),
]);

const message = z.looseObject({ role: z.string(), content: z.unknown().optional() });
const content = z.union([z.string(), z.array(message)]);

/** One event of `POST /api/v1/ingest`: a generation, for apps without OpenTelemetry. */
export const generationEvent = z.strictObject({
  type: z.literal('generation'),
  id: z.string().min(1).max(200).optional(),
  traceId: z.string().min(1).max(200).optional(),
  parentId: z.string().min(1).max(200).optional(),
  name: z.string().optional(),
  sessionId: z.string().optional(),
  userId: z.string().optional(),
  timestamp: time.optional(),
  model: z.string().min(1),
  provider: z.string().optional(),
  input: content,
  output: content,
  contexts: z
    .array(
      z.union([
        z.string(),
        z.looseObject({ content: z.string(), id: z.string().optional(), score: z.number().optional() }),
      ]),
    )
    .optional(),
  toolCalls: z.array(z.unknown()).optional(),
  latencyMs: z.number().nonnegative().optional(),
  usage: z
    .strictObject({
      inputTokens: z.number().int().nonnegative().optional(),
      outputTokens: z.number().int().nonnegative().optional(),
    })
    .optional(),
  costUsd: z.number().nonnegative().optional(),
  error: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  /** The version of the prompt the app used, to slice traffic by (`v3`, a hash, a date). */
  promptVersion: z.string().min(1).max(200).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export type GenerationEvent = z.infer<typeof generationEvent>;

const ingestBody = z.strictObject({ events: z.array(z.unknown()).max(10_000) });

function where(issue: z.core.$ZodIssue, prefix: string): string {
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${prefix}${path}`;
}

/**
 * Validates a native ingest body and maps each event to a span (and the event as received, for
 * idempotency by `id`). A bad event refuses the whole body, naming the field: `events[3].model: …`.
 * `timestamp` is when the generation started (default: now minus `latencyMs`); it may be in the past.
 */
export function nativeToBatch(body: unknown, projectId: string, nowMs: number): IngestBatch {
  const parsed = ingestBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AssayError('input.invalid', `${where(issue, 'body')}: ${issue.message}`, {
      field: where(issue, '').slice(1),
    });
  }
  const batch = emptyBatch();
  parsed.data.events.forEach((raw, i) => {
    const type = (raw as { type?: unknown })?.type;
    if (type !== 'generation')
      throw new AssayError(
        'input.invalid',
        `events[${i}].type: expected "generation", got ${JSON.stringify(type)}`,
        {
          field: `events[${i}].type`,
        },
      );
    const ev = generationEvent.safeParse(raw);
    if (!ev.success) {
      const issue = ev.error.issues[0]!;
      const field = where(issue, `events[${i}]`);
      throw new AssayError('input.invalid', `${field}: ${issue.message}`, { field });
    }
    const e = ev.data;
    const id = e.id ?? randomUUID();
    const traceId = e.traceId ?? id;
    const startMs =
      e.timestamp === undefined
        ? nowMs - (e.latencyMs ?? 0)
        : typeof e.timestamp === 'number'
          ? e.timestamp
          : Date.parse(e.timestamp);
    batch.spans.push(toSpan(e, id, traceId, startMs, projectId));
    batch.events.push({ projectId, id, type: e.type, traceId, timestampMs: startMs, data: e });
  });
  return batch;
}

function toSpan(
  e: GenerationEvent,
  id: string,
  traceId: string,
  startMs: number,
  projectId: string,
): SpanRecord {
  const input = typeof e.input === 'string' ? [{ role: 'user', content: e.input }] : toMessages(e.input);
  const output =
    typeof e.output === 'string'
      ? [{ role: 'assistant', content: e.output }]
      : toMessages(e.output, 'assistant');
  if (e.toolCalls && output.length > 0) output[output.length - 1]!.toolCalls = e.toolCalls;
  const contexts: TraceContext[] = (e.contexts ?? []).map((c) =>
    typeof c === 'string'
      ? { content: c }
      : {
          content: c.content,
          ...(c.id ? { id: c.id } : {}),
          ...(c.score !== undefined ? { score: c.score } : {}),
        },
  );
  const inputTokens = e.usage?.inputTokens ?? null;
  const outputTokens = e.usage?.outputTokens ?? null;
  return {
    projectId,
    traceId,
    spanId: id,
    parentSpanId: e.parentId ?? null,
    name: e.name ?? 'generation',
    kind: 'llm',
    startMs,
    endMs: e.latencyMs === undefined ? null : startMs + e.latencyMs,
    model: e.model,
    provider: e.provider ?? null,
    operation: 'chat',
    inputTokens,
    outputTokens,
    totalTokens:
      inputTokens === null && outputTokens === null ? null : (inputTokens ?? 0) + (outputTokens ?? 0),
    costUsd: e.costUsd ?? costOf(e.model, inputTokens, outputTokens),
    input: input.map((m) => ({ ...m, content: text(m.content) })),
    output,
    contexts,
    attributes: e.metadata ?? {},
    status: e.error ? 'error' : 'ok',
    error: e.error ?? null,
    sessionId: e.sessionId ?? null,
    userId: e.userId ?? null,
    tags: e.tags ?? {},
    promptVersion: e.promptVersion ?? null,
    source: 'native',
  };
}
