/** `Retry-After` as milliseconds: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * The wait before retry number `attempt` (0-based): the server's `Retry-After` when it gave one (never
 * sooner, plus up to 10% jitter so clients do not return together), else exponential backoff from
 * `baseMs` capped at `maxMs`, with "equal jitter" (half fixed, half random).
 */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) {
    const wait = Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
    return wait + random() * wait * 0.1;
  }
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + random() * (ceiling / 2);
}
