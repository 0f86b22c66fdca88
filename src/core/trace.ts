/**
 * Production traffic as Assay stores it: one **trace** per request, made of **spans** (LLM calls,
 * tools, retrievals, agents, chains), with scores on spans and feedback on traces. OTLP spans and
 * native events are both mapped to these records before they reach the store.
 */

/** What a span does, as far as Assay cares: an LLM call is a span with a model. */
export type SpanKind =
  | 'llm'
  | 'embedding'
  | 'tool'
  | 'retrieval'
  | 'reranker'
  | 'agent'
  | 'chain'
  | 'guardrail'
  | 'evaluator'
  | 'span';

/** One message of a conversation, reduced to text; the original structure stays in `parts`. */
export interface TraceMessage {
  role: string;
  content: string;
  /** Tool calls the message asks for, as sent. */
  toolCalls?: unknown[];
  /** Structured parts when the source had more than text (images, tool results…). */
  parts?: unknown[];
  finishReason?: string;
}

/** A document a retrieval span returned, or a context a native event named. */
export interface TraceContext {
  content: string;
  id?: string;
  score?: number;
}

export interface SpanRecord {
  projectId: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  /** Epoch milliseconds (fractions kept). */
  startMs: number;
  endMs: number | null;
  model: string | null;
  provider: string | null;
  /** `gen_ai.operation.name`: chat, embeddings, execute_tool… */
  operation: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  costUsd: number | null;
  input: TraceMessage[];
  output: TraceMessage[];
  contexts: TraceContext[];
  /** Every attribute that was not turned into a field above, as sent (resource attributes included). */
  attributes: Record<string, unknown>;
  status: 'ok' | 'error' | 'unset';
  error: string | null;
  sessionId: string | null;
  userId: string | null;
  /** Strata of the traffic (`segment` and any other), as on dataset cases. */
  tags: Record<string, string>;
  /** The version of the prompt the call used (`assay.prompt.version`, native `promptVersion`). */
  promptVersion?: string | null;
  /** Where the span came from: `otlp` or `native`. */
  source: 'otlp' | 'native';
}

/** A score on a span: from a `gen_ai.evaluation.result` event, an online evaluator, a reviewer. */
export interface SpanScoreRecord {
  projectId: string;
  traceId: string;
  spanId: string;
  name: string;
  value: number | null;
  label: string | null;
  explanation: string | null;
  source: string;
  createdMs: number;
}

/** Feedback on a trace from its user or an operator: thumbs (1/-1), stars, corrections, escalations. */
export interface FeedbackRecord {
  projectId: string;
  id: string;
  traceId: string;
  name: string;
  value: number | null;
  comment: string | null;
  correction: string | null;
  escalated: boolean;
  userId: string | null;
  timestampMs: number;
}

/** A native event as received, kept so a resent id is recognised (idempotency) and nothing is lost. */
export interface EventRecord {
  projectId: string;
  id: string;
  type: string;
  traceId: string;
  timestampMs: number;
  data: unknown;
}

/** What one commit writes. A 2xx is sent only once the batch holding a request's records is committed. */
export interface IngestBatch {
  spans: SpanRecord[];
  scores: SpanScoreRecord[];
  feedback: FeedbackRecord[];
  events: EventRecord[];
}

/** One line of a trace list: the trace's spans summed up. */
export interface TraceSummary {
  traceId: string;
  name: string;
  startMs: number;
  endMs: number | null;
  spanCount: number;
  models: string[];
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  errorCount: number;
  sessionId: string | null;
  userId: string | null;
  segment: string | null;
  /** The first prompt version any of its spans named. */
  promptVersion: string | null;
}

export interface StoredSpan extends SpanRecord {
  scores: SpanScoreRecord[];
}

export interface TraceDetail extends TraceSummary {
  spans: StoredSpan[];
  feedback: FeedbackRecord[];
}

/** Filters of a trace list; `cursor` is the opaque `nextCursor` of the previous page. */
export interface TraceQuery {
  fromMs?: number;
  toMs?: number;
  sessionId?: string;
  model?: string;
  segment?: string;
  promptVersion?: string;
  limit?: number;
  cursor?: string;
}

export interface TracePage {
  traces: TraceSummary[];
  nextCursor: string | null;
}

export interface Project {
  id: string;
  name: string;
  createdAt: string;
}

/** An API key as stored: never the token, only its SHA-256 hash and a short prefix to recognise it. */
export interface ApiKeyRecord {
  id: string;
  projectId: string;
  hash: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

/** An empty batch, to fill. */
export function emptyBatch(): IngestBatch {
  return { spans: [], scores: [], feedback: [], events: [] };
}

/** How many records a batch holds: the unit of the ingest queue's bound. */
export function batchSize(batch: IngestBatch): number {
  return batch.spans.length + batch.scores.length + batch.feedback.length + batch.events.length;
}
