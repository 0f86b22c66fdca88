import { AssayError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export interface DurationOptions {
  /** Named in errors: `--timeout`, `slo`, … */
  field?: string;
  /**
   * What a number without a unit means. `'error'` (the default, for every duration flag): refused,
   * with a suggestion — `--timeout 2000` read as seconds was 33 minutes. `'ms'`: milliseconds,
   * where the documented unit is the millisecond (SLO thresholds, fault latencies, `timeoutMs`).
   */
  bare?: 'error' | 'ms';
}

/**
 * The one duration parser of Assay: `500ms`, `2s`, `1.5m`, `1h`, `7d` → milliseconds.
 *
 * @example
 * parseDuration('2m', { field: '--duration' }); // 120000
 * parseDuration('2000', { field: '--timeout' }); // throws: "2000" has no unit: write 2000ms or 2000s
 */
export function parseDuration(text: string, options: DurationOptions = {}): number {
  const field = options.field ?? 'duration';
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (m && m[2] === undefined && options.bare !== 'ms') {
    throw new AssayError('input.invalid', `"${text}" has no unit: write ${m[1]}ms or ${m[1]}s`, { field });
  }
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] ?? 'ms']! : Number.NaN;
  if (!(ms > 0)) {
    throw new AssayError('input.invalid', `expected a duration above 0 like 500ms, 2s or 1m, got "${text}"`, {
      field,
    });
  }
  return Math.round(ms);
}
