/** A chat message as the server reads it (`content` text or parts). */
export interface ClientMessage {
  role: string;
  content?: unknown;
  [key: string]: unknown;
}

/** One generation, as `POST /api/v1/ingest` takes it; `id` and `timestamp` are filled when absent. */
export interface GenerationEvent {
  type?: 'generation';
  id?: string;
  traceId?: string;
  parentId?: string;
  name?: string;
  sessionId?: string;
  userId?: string;
  /** When the generation started: ISO 8601 or epoch ms (default: now minus `latencyMs`). */
  timestamp?: string | number;
  model: string;
  provider?: string;
  input: string | ClientMessage[];
  output: string | ClientMessage[];
  contexts?: (string | { content: string; id?: string; score?: number })[];
  toolCalls?: unknown[];
  latencyMs?: number;
  usage?: { inputTokens?: number; outputTokens?: number };
  costUsd?: number;
  error?: string;
  tags?: Record<string, string>;
  /** The version of the prompt used (`v3`, a hash): traffic, metrics and the monitoring page slice by it. */
  promptVersion?: string;
  metadata?: Record<string, unknown>;
}

/** One feedback, as `POST /api/v1/feedback` takes it; `id` (idempotency on retries) is filled when absent. */
export interface FeedbackInput {
  id?: string;
  traceId: string;
  name?: string;
  /** 1 / -1 for thumbs, 1..5 for stars; null (the default) for a comment, correction or escalation only. */
  value?: number | null;
  comment?: string;
  correction?: string;
  escalated?: boolean;
  userId?: string;
  timestamp?: string | number;
}

/** Why items were dropped instead of delivered. */
export type DropReason =
  /** The buffer was full (the server away or slow): the oldest items made room. */
  | 'overflow'
  /** `log`/`feedback` got something that is not an event or a feedback. */
  | 'invalid'
  /** The server refused them with a 4xx other than 408/429 (bad field, bad key, too large). */
  | 'rejected'
  /** `maxRetries` retries failed (server down, 5xx, 429/503). */
  | 'gave-up'
  /** Logged after `shutdown()`. */
  | 'closed';

export interface ClientOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:4318`. */
  url: string;
  apiKey: string;
  /** Events per request (default 100). */
  batchSize?: number;
  /** A partial batch is sent after at most this long (default 1,000 ms). */
  flushIntervalMs?: number;
  /** Items waiting at most (default 10,000); beyond it the oldest are dropped and counted. */
  maxBuffer?: number;
  /** Retries of one request before its items are given up (default 10). */
  maxRetries?: number;
  /** The first backoff (default 500 ms), doubled per retry with jitter, up to `maxRetryDelayMs`. */
  retryBaseMs?: number;
  /** The longest backoff without a `Retry-After` (default 30,000 ms). */
  maxRetryDelayMs?: number;
  /** One request's time limit (default 10,000 ms); a timeout is retried. */
  requestTimeoutMs?: number;
  /** Told of every drop and every failed attempt; never called on the app's request path. */
  onError?: (error: AssayClientError) => void;
}

export interface ClientStats {
  /** Items acknowledged by the server (committed). */
  sent: number;
  /** Items dropped, all reasons. */
  dropped: number;
  droppedBy: Record<DropReason, number>;
  /** Requests retried. */
  retries: number;
  /** Items waiting or in flight. */
  buffered: number;
}

/** What `onError` receives: a drop (`dropped` > 0) or a failed attempt that will be retried. */
export class AssayClientError extends Error {
  override readonly name = 'AssayClientError';
  constructor(
    message: string,
    readonly reason: DropReason | 'retry',
    readonly dropped: number,
    readonly status?: number,
  ) {
    super(message);
  }
}
