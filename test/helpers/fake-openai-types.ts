import type http from 'node:http';

// The shapes of the fake OpenAI server's options, answers and records (see ../fake-openai-server.ts).

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/**
 * What a `reply` function may return: the answer text, or the message parts; with a `status` other
 * than 200, an error answer for this prompt (its `body`, or a generic error).
 */
export type FakeReply =
  | string
  | {
      content?: string | null;
      tool_calls?: unknown[];
      usage?: FakeUsage;
      status?: number;
      headers?: Record<string, string>;
      body?: unknown;
    };

/** One scripted response, served in order before any reply or fault. */
export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** The assistant's answer (status 200); null for a tool-calls-only message. */
  content?: string | null;
  tool_calls?: unknown[];
  usage?: FakeUsage;
  /** A raw JSON body instead of a chat completion (for error bodies, malformed answers). */
  body?: unknown;
  /** Never answer this request. */
  hang?: boolean;
  /** Destroy the socket instead of answering. */
  reset?: boolean;
  delayMs?: number;
}

export interface FaultOptions {
  /** Probability of a 429 per chat request. */
  rate429?: number;
  /** Probability of a 500. */
  rate500?: number;
  /** `Retry-After` (seconds) sent with 429s; omitted when undefined. */
  retryAfterSec?: number;
  /** `Retry-After` (seconds) sent with 500s; omitted when undefined (real 500s rarely carry one). */
  retryAfter500Sec?: number;
  /** Probability the request is never answered. */
  rateTimeout?: number;
  /** Probability the socket is destroyed without an answer. */
  rateReset?: number;
  /** Seed of the fault RNG: the same seed gives the same sequence of faults by request order. */
  seed?: number;
}

export interface FakeOpenAIOptions {
  /** Delay before every answer, in ms. */
  latencyMs?: number;
  /** The answer to a chat request; default: `Answer: <last user message>`. */
  reply?: (body: ChatBody, req: http.IncomingMessage) => FakeReply | Promise<FakeReply>;
  faults?: FaultOptions;
  /**
   * A chat request that arrives while this many are being answered gets a 429 at once, as an API
   * with a concurrency quota answers (counted in `stats.faults[429]`).
   */
  concurrencyLimit?: number;
  /** Served first, one per chat request, in order (judge tests). More can be pushed on `script`. */
  script?: ScriptedResponse[];
  /** Sends `x-ratelimit-limit-requests` and `x-ratelimit-remaining-requests` on every answer. */
  rateLimit?: { limitRequests: number; remainingRequests: number | ((call: number) => number) };
  /** Embedding vector size (default 64). */
  embeddingDim?: number;
  /** The first this many embedding requests answer 503 (no Retry-After): to test retries. */
  failEmbeddings?: number;
  /** Keep every request's body and headers in `requests` (default true; turn off for benchmarks). */
  record?: boolean;
  port?: number;
}

export interface ChatBody {
  model?: string;
  messages?: { role: string; content: string }[];
  [key: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** What the server did: 200, 429, 500, 'timeout' or 'reset'. */
  outcome: number | 'timeout' | 'reset';
  at: number;
}

export interface FakeStats {
  /** Chat and embedding requests received, faults included. */
  calls: number;
  chat: number;
  embeddings: number;
  ok: number;
  faults: { 429: number; 500: number; timeout: number; reset: number };
  /** Chat requests received per prompt (the last user message), faults included. */
  byPrompt: Map<string, number>;
  inFlight: number;
  maxInFlight: number;
  /** Chat requests being answered now (those under `concurrencyLimit`). */
  chatInFlight: number;
}

export interface FakeOpenAI {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `http://127.0.0.1:PORT/v1`, what a provider's `baseURL` takes. */
  baseURL: string;
  port: number;
  requests: RecordedRequest[];
  stats: FakeStats;
  /** Scripted responses still to serve; push to add more. */
  script: ScriptedResponse[];
  /** Chat requests received for this prompt (the last user message). */
  count(prompt: string): number;
  /** Forgets recorded requests and counters (not the script). */
  reset(): void;
  close(): Promise<void>;
}
