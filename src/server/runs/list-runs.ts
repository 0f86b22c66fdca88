import type { RunRecord } from '../../core/run.js';
import type { Store } from '../../core/store.js';
import { latestComparison, regressionFlag } from './regression.js';
import type { Progress, RunList, RunListItem } from './views.js';

export interface RunFilter {
  /** Only this project's runs (by name). */
  project?: string;
  config?: string;
  /** A dataset version (content hash), or a dataset name. */
  dataset?: string;
  status?: string;
  /** `key=value`: runs whose results carry this stratum. */
  tag?: string;
  limit?: number;
}

/** The runs page lists at most this many runs (newest first). */
export const MAX_RUNS = 500;

const runTags = (run: RunRecord) =>
  Object.entries(run.summary?.byTag ?? {}).flatMap(([k, values]) =>
    Object.keys(values).map((v) => `${k}=${v}`),
  );

/** Results a complete run will have: cases × targets × repeats. */
export function expectedResults(run: RunRecord): number | null {
  const p = run.provenance;
  const cases = p.dataset?.cases;
  if (typeof cases !== 'number') return null;
  return cases * Math.max(1, p.targets?.length ?? 1) * Math.max(1, p.repeat ?? 1);
}

export async function progressOf(store: Store, run: RunRecord): Promise<Progress> {
  const done =
    run.summary && run.status !== 'running'
      ? run.summary.total
      : (await store.queryResults(run.id, { limit: 0 })).total;
  return { done, expected: expectedResults(run) };
}

function matches(run: RunRecord, f: RunFilter): boolean {
  if (f.status && run.status !== f.status) return false;
  const d = run.provenance.dataset;
  if (f.dataset && d?.version !== f.dataset && d?.name !== f.dataset) return false;
  if (f.tag && !runTags(run).includes(f.tag)) return false;
  return true;
}

/**
 * The runs page: stored runs newest first, filtered by config hash, dataset, status and stratum, each
 * with its pass rate and interval, cost, latency, progress when running, and a regression flag when
 * its latest comparison against a baseline regressed.
 */
export async function listRunViews(store: Store, filter: RunFilter = {}): Promise<RunList> {
  const limit = Math.min(Math.max(filter.limit ?? 200, 1), MAX_RUNS);
  const all = await store.listRuns({
    limit: MAX_RUNS,
    ...(filter.config ? { configHash: filter.config } : {}),
    ...(filter.project !== undefined ? { project: filter.project } : {}),
  });
  const facets = {
    configs: new Set<string>(),
    datasets: new Set<string>(),
    statuses: new Set<string>(),
    tags: new Set<string>(),
  };
  for (const run of all) {
    facets.configs.add(run.configHash);
    if (run.provenance.dataset?.version) facets.datasets.add(run.provenance.dataset.version);
    facets.statuses.add(run.status);
    for (const t of runTags(run)) facets.tags.add(t);
  }
  const chosen = all.filter((r) => matches(r, filter)).slice(0, limit);
  const runs = await Promise.all(chosen.map((run) => listItem(store, run)));
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    runs,
    facets: {
      configs: sorted(facets.configs),
      datasets: sorted(facets.datasets),
      statuses: sorted(facets.statuses),
      tags: sorted(facets.tags),
    },
  };
}

async function listItem(store: Store, run: RunRecord): Promise<RunListItem> {
  const s = run.summary;
  const p = run.provenance;
  return {
    id: run.id,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt ?? null,
    status: run.status,
    description: run.description ?? null,
    configHash: run.configHash,
    dataset: { name: p.dataset?.name ?? '', version: p.dataset?.version ?? '', cases: p.dataset?.cases ?? 0 },
    targets: (p.targets ?? []).map((t, i) => String(t.id ?? t.name ?? `target ${i + 1}`)),
    gitCommit: p.gitCommit ?? null,
    total: s ? s.total : null,
    passRate: s && s.passed + s.failed > 0 ? s.passRate : null,
    interval: s?.interval ?? null,
    errors: s ? s.errors : null,
    costUsd: s ? s.costUsd : null,
    latencyMs: s ? { p50: s.latencyMs.p50, p95: s.latencyMs.p95 } : null,
    gatesPassed: s?.gates?.length ? s.gates.every((g) => g.pass) : null,
    tags: runTags(run),
    progress: run.status === 'running' ? await progressOf(store, run) : null,
    regression: regressionFlag(await latestComparison(store, run.id)),
  };
}
