import type { Case } from '../../core/case.js';
import type { RunRecord } from '../../core/run.js';
import type { DatasetRecord, Store } from '../../core/store.js';
import { strataCounts } from './strata.js';

export interface DatasetVersionInfo extends DatasetRecord {
  /** Per tag: cases per value. */
  strata: Record<string, Record<string, number>>;
  /** Ids of the stored runs that evaluated this version, oldest first. */
  runs: string[];
}

/**
 * The stored versions of a dataset (or of all datasets) with their strata and the runs that used
 * each. Reads every run record: fine for the thousands of runs a store holds.
 */
export async function datasetVersions(store: Store, name?: string): Promise<DatasetVersionInfo[]> {
  const records = await store.listDatasets(name);
  const runs = await store.listRuns({ limit: 1_000_000 });
  const byVersion = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const v = r.provenance.dataset?.version;
    if (!v) continue;
    const list = byVersion.get(v);
    if (list) list.push(r);
    else byVersion.set(v, [r]);
  }
  const out: DatasetVersionInfo[] = [];
  for (const rec of records) {
    const cases = (await store.datasetCases(rec.version)) as Case[];
    const tags = [...new Set(cases.flatMap((c) => Object.keys(c.tags ?? {})))].sort();
    const strata = Object.fromEntries(tags.map((t) => [t, Object.fromEntries(strataCounts(cases, t))]));
    const used = (byVersion.get(rec.version) ?? []).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    out.push({ ...rec, strata, runs: used.map((r) => r.id) });
  }
  return out;
}

/** The cases of a stored version named by its hash or a unique prefix of it; undefined when none. */
export async function storedVersionCases(
  store: Store,
  ref: string,
): Promise<{ version: string; cases: Case[] } | undefined> {
  const matches = (await store.listDatasets()).filter((d) => d.version.startsWith(ref));
  const versions = [...new Set(matches.map((d) => d.version))];
  if (versions.length !== 1) return undefined;
  return { version: versions[0]!, cases: (await store.datasetCases(versions[0]!)) as Case[] };
}

/**
 * When each case id was first stored: the creation date of the oldest stored version of the dataset
 * `name` that holds it. What `assay dataset health` ages a case by when it has no `created` field.
 */
export async function firstSeen(store: Store, name: string): Promise<Map<string, string>> {
  const records = (await store.listDatasets(name)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const out = new Map<string, string>();
  for (const rec of records)
    for (const c of (await store.datasetCases(rec.version)) as Case[])
      if (!out.has(c.id)) out.set(c.id, rec.createdAt);
  return out;
}
