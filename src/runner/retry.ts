// The retry helpers are pure and shared with the judge, which must not import the runner: they live
// with the providers and are re-exported here for the runner's own modules.
export { backoffMs, DEFAULT_RETRY, isRetryable, type RetryPolicy, sleep } from '../providers/retry.js';
