import { isAssayError } from '../core/errors.js';

/**
 * Why a request of a load test failed, in the groups an operator acts on: no answer in time,
 * throttled, the server broke, the connection broke, the request was refused, or the answer was
 * not what the target expects.
 */
export type ErrorKind = 'timeout' | '429' | '5xx' | 'connection' | '4xx' | 'other';

export const ERROR_KINDS: readonly ErrorKind[] = ['timeout', '429', '5xx', 'connection', '4xx', 'other'];

export function errorKind(error: unknown): ErrorKind {
  if (!isAssayError(error)) return 'other';
  if (error.code === 'provider.timeout') return 'timeout';
  if (error.code === 'provider.rate-limit' || error.status === 429) return '429';
  if (error.status !== undefined && error.status >= 500) return '5xx';
  if (error.status !== undefined && error.status >= 400) return '4xx';
  if (error.code === 'provider.network') return 'connection';
  return 'other';
}
