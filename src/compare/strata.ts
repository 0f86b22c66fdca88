import type { CaseOutcome } from './sides.js';

/** A paired case whose value of a tag differs between the runs (null: the tag is missing there). */
export interface TagChange {
  case: string;
  tag: string;
  baseline: string | null;
  candidate: string | null;
}

/**
 * Strata paired by case: a case is in `tag=value` when it has that value in *both* runs, so every row
 * compares the same cases under the same label. A case whose tag changed (relabelled, or tagged in one
 * run only) stays in `all`, is left out of that tag's strata and is reported, rather than silently
 * taking the candidate's (or the baseline's) label.
 */
export function pairStrata(
  keys: string[],
  base: Map<string, CaseOutcome>,
  cand: Map<string, CaseOutcome>,
): { strata: [string, string[]][]; tagChanges: TagChange[] } {
  const strata = new Map<string, string[]>();
  const tagChanges: TagChange[] = [];
  for (const k of keys) {
    const bt = base.get(k)!.tags;
    const ct = cand.get(k)!.tags;
    for (const tag of [...new Set([...Object.keys(bt), ...Object.keys(ct)])].sort()) {
      const b = bt[tag] ?? null;
      const c = ct[tag] ?? null;
      if (b !== c) {
        tagChanges.push({ case: k, tag, baseline: b, candidate: c });
        continue;
      }
      const s = `${tag}=${b}`;
      const list = strata.get(s);
      if (list) list.push(k);
      else strata.set(s, [k]);
    }
  }
  const sorted = [...strata].sort(([a], [b]) => a.localeCompare(b));
  return { strata: [['all', keys], ...sorted], tagChanges };
}
