import type { EmbedAnswer } from './model-call.js';
import type { ToolCall, Usage } from './output.js';

/** A chat message as every chat API takes it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

export interface GenerateRequest {
  messages: ChatMessage[];
  /** Model parameters, passed through to the API (temperature, max_tokens, …). */
  params?: Record<string, unknown>;
  /** Ask for a JSON object where the API can guarantee one. */
  json?: boolean;
  tools?: unknown[];
}

/** Rate-limit state read from response headers, for the adaptive limiter. */
export interface RateLimitInfo {
  remainingRequests?: number;
  limitRequests?: number;
  remainingTokens?: number;
  limitTokens?: number;
}

export interface GenerateResponse {
  text: string;
  toolCalls?: ToolCall[];
  usage?: Usage;
  rateLimit?: RateLimitInfo;
  /** The raw response body, kept for provenance. */
  raw?: unknown;
}

export interface GenerateOptions {
  signal?: AbortSignal;
  /** No answer within this many ms is a retryable `provider.timeout` error. */
  timeoutMs?: number;
}

/**
 * A client for one model API. It implements one method and throws `AssayError`s whose `retryable`
 * flag says whether a retry may cure them; retries, rate limits and concurrency live in the runner.
 */
export interface Provider {
  /** `family:model`, as configured. */
  id: string;
  family: string;
  model: string;
  /**
   * The server it talks to (its base URL as configured, `default` for the vendor's): calls to the
   * same family and endpoint share one pool and one adaptive limit in a run, whoever makes them.
   */
  endpoint?: string;
  /** USD per million tokens when the provider knows it (0 for a local model); `pricing:` overrides it. */
  price?: { input: number; output: number };
  generate(request: GenerateRequest, options?: GenerateOptions): Promise<GenerateResponse>;
  /** Embeddings, where the API has them. Vectors in input order (with usage where the API counts it). */
  embed?(texts: string[], options?: GenerateOptions): Promise<ArrayLike<number>[] | EmbedAnswer>;
}
