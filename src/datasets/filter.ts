import type { Case } from '../core/case.js';
import { AssayError } from '../core/errors.js';

/** Parses `k=v` filters; several values of one key are alternatives, several keys must all hold. */
export function parseTagFilters(filters: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of filters) {
    const i = f.indexOf('=');
    if (i <= 0) throw new AssayError('input.invalid', `--filter-tag expects key=value, got "${f}"`);
    const key = f.slice(0, i);
    out[key] = [...(out[key] ?? []), f.slice(i + 1)];
  }
  return out;
}

/** The cases whose tags match every key of the filter. */
export function filterCases(cases: Case[], filter: Record<string, string[]>): Case[] {
  const keys = Object.entries(filter);
  if (keys.length === 0) return cases;
  return cases.filter((c) =>
    keys.every(([k, values]) => c.tags[k] !== undefined && values.includes(c.tags[k]!)),
  );
}
