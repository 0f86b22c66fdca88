import { dirname, resolve } from 'node:path';
import type { Case } from '../core/case.js';
import type { RunRecord } from '../core/run.js';
import type { Store } from '../core/store.js';
import { loadDataset } from '../datasets/load.js';

/** What promotion needs of a store: the cases of a dataset version, as stored. */
export type DatasetCaseSource = Pick<Store, 'datasetCases'>;

/**
 * The cases a run was made on, by id: from the store, which keeps each dataset version's cases,
 * and, for any it lacks, from the dataset file named in the run's provenance — only if that file
 * still has the version the run used, so a case is never promoted with content it did not have.
 */
export async function casesOfRun(
  store: DatasetCaseSource,
  run: RunRecord,
  wanted: Iterable<string>,
): Promise<Map<string, Case>> {
  const byId = new Map<string, Case>();
  for (const c of (await storedCases(store, run)) as Case[]) byId.set(c.id, c);
  const missing = [...wanted].filter((id) => !byId.has(id));
  const { path, version } = run.provenance.dataset;
  if (missing.length > 0 && path && run.provenance.configPath) {
    try {
      const dataset = await loadDataset(resolve(dirname(run.provenance.configPath), path));
      if (dataset.version === version) for (const c of dataset.cases) if (!byId.has(c.id)) byId.set(c.id, c);
    } catch {
      // The file moved or changed: the cases the store lacks are reported missing by the caller.
    }
  }
  return byId;
}

/**
 * The cases stored for a run: its dataset version's, or, for a run on a narrowed list of cases
 * that was stored alone, the selection's.
 */
export async function storedCases(store: Pick<Store, 'datasetCases'>, run: RunRecord): Promise<unknown[]> {
  const cases = await store.datasetCases(run.provenance.dataset.version);
  const selected = run.provenance.filters?.selectedVersion;
  return cases.length === 0 && typeof selected === 'string' ? store.datasetCases(selected) : cases;
}
