import type { Case } from './case.js';
import type { Output } from './output.js';
import type { ChatMessage, RateLimitInfo } from './provider.js';

export interface TargetCallOptions {
  /** Conversation so far, for multi-turn scenarios: the target answers the last user message. */
  messages?: ChatMessage[];
}

/** What one call of a target gives back before the runner adds latency and cost. */
export type TargetOutput = Omit<Output, 'latencyMs'> & { rateLimit?: RateLimitInfo };

/**
 * One prepared call of a target for a case: the prompt is rendered once, and the call's content key
 * (when its answer may be cached) is known before anything is sent.
 */
export interface PlannedCall {
  /** Content key of the call (computed only when the cache is on), or absent when it must not be cached. */
  cacheKey?: () => string;
  /** What is sent, for the report (rendered messages, request body). */
  prompt?: unknown;
  /** Makes the call. A call with no answer within `timeoutMs` fails with a retryable `provider.timeout`. */
  invoke(signal: AbortSignal, timeoutMs?: number): Promise<TargetOutput>;
}

/** The system under test: a provider plus a prompt, an app's HTTP endpoint, or a function. */
export interface Target {
  id: string;
  /** `family:model` when the target is a model, for provenance, pricing and judge checks. */
  provider?: string;
  /** Targets with the same pool share one adaptive concurrency limit (one per API endpoint). */
  pool: string;
  /** At most this many calls at once in the pool, whatever the run's concurrency. */
  maxConcurrency?: number;
  /** USD per million tokens, to cost the calls of a model target. */
  price?: { input: number; output: number };
  /** Provenance: what the target is, never its secrets. */
  describe(): Record<string, unknown>;
  plan(c: Case, options?: TargetCallOptions): PlannedCall;
  /**
   * Loads what the first call would need (a function target's module and export), so a broken
   * target fails before any call rather than as one error result per case.
   */
  check?(): Promise<void>;
}
