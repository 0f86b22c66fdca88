import { canonicalJson } from '../../core/canonical.js';
import type { Case } from '../../core/case.js';
import { strataCounts } from './strata.js';

export interface FieldChange {
  /** `vars.question`, `expected`, `tags.type`, … */
  field: string;
  before?: unknown;
  after?: unknown;
}

export interface DatasetDiff {
  added: string[];
  removed: string[];
  changed: { caseId: string; fields: FieldChange[] }[];
  unchanged: number;
  /** Per tag and value: cases before and after. */
  strata: { tag: string; value: string; before: number; after: number }[];
}

/**
 * What changed between two versions of a dataset, case by case (matched by id) and field by field.
 *
 * @example diffDatasets(v1.cases, v2.cases).changed // [{ caseId: 'c7', fields: [{ field: 'expected', before: 'Paris', after: 'Paris, France' }] }]
 */
export function diffDatasets(before: readonly Case[], after: readonly Case[]): DatasetDiff {
  const old = new Map(before.map((c) => [c.id, c]));
  const now = new Map(after.map((c) => [c.id, c]));
  const added = after.filter((c) => !old.has(c.id)).map((c) => c.id);
  const removed = before.filter((c) => !now.has(c.id)).map((c) => c.id);
  const changed: DatasetDiff['changed'] = [];
  let unchanged = 0;
  for (const c of after) {
    const o = old.get(c.id);
    if (!o) continue;
    const fields = fieldChanges(o, c);
    if (fields.length) changed.push({ caseId: c.id, fields });
    else unchanged++;
  }
  const tags = [...new Set([...before, ...after].flatMap((c) => Object.keys(c.tags ?? {})))].sort();
  const strata = tags.flatMap((tag) => {
    const b = strataCounts(before, tag);
    const a = strataCounts(after, tag);
    return [...new Set([...b.keys(), ...a.keys()])]
      .sort()
      .map((value) => ({ tag, value, before: b.get(value) ?? 0, after: a.get(value) ?? 0 }));
  });
  return { added, removed, changed, unchanged, strata };
}

function flatten(c: Case): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(c.vars ?? {})) out.set(`vars.${k}`, v);
  for (const [k, v] of Object.entries(c.tags ?? {})) out.set(`tags.${k}`, v);
  for (const [k, v] of Object.entries(c))
    if (!['id', 'vars', 'tags'].includes(k) && v !== undefined) out.set(k, v);
  return out;
}

function fieldChanges(a: Case, b: Case): FieldChange[] {
  const fa = flatten(a);
  const fb = flatten(b);
  const out: FieldChange[] = [];
  for (const field of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
    const x = fa.get(field);
    const y = fb.get(field);
    if (canonicalJson(x ?? null) === canonicalJson(y ?? null)) continue;
    out.push({ field, ...(x === undefined ? {} : { before: x }), ...(y === undefined ? {} : { after: y }) });
  }
  return out;
}
