import { AssayError } from '../core/errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * `60s`, `2m`, `1.5h`, `500ms` → milliseconds; a bare number is seconds.
 *
 * @example
 * parseDuration('2m'); // 120000
 */
export function parseDuration(text: string, field = '--duration'): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] ?? 's']! : Number.NaN;
  if (!(ms > 0))
    throw new AssayError('usage', `expected a duration like 60s, 2m or 500ms, got "${text}"`, { field });
  return Math.round(ms);
}
