/** `assay/client`: send production traffic to `assay serve` from a Node app, without dependencies. */
export { parseRetryAfter, retryDelay } from './backoff.js';
export { type AssayClient, createClient } from './client.js';
export type {
  ClientMessage,
  ClientOptions,
  ClientStats,
  DropReason,
  FeedbackInput,
  GenerationEvent,
} from './types.js';
export { AssayClientError } from './types.js';
