import type { Case } from '../../core/case.js';

/** Cases per value of a tag (`type` → `{ simple: 80, multi-step: 60 }`); untagged cases count under `(none)`. */
export function strataCounts(cases: readonly Case[], tag: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of cases) {
    const v = c.tags[tag] ?? '(none)';
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}
