import type { RunRecord } from '../core/run.js';
import type { Store } from '../core/store.js';
import type { FailureAnalysis } from './failures/collect.js';
import { analyzeRun } from './run-reports.js';
import { reportSourceOf } from './source.js';

/** The failure analysis of a run as the run page shows it (clusters, attribution, reasons), without the per-result list. */
export type RunAnalysis = Omit<FailureAnalysis, 'failures'>;

/** The artifact kind the analysis is stored under, beside the run. */
export const ANALYSIS_ARTIFACT = 'failure-analysis';

/** Members listed per failure cluster: the page shows examples and links, not every id. */
const MEMBERS = 50;

interface StoredAnalysis {
  basis: string;
  analysis: RunAnalysis;
}

/**
 * What a stored analysis was made from: the closed run's counts and duration. A run resumed and
 * closed again has another summary (at least another duration), so an analysis of its earlier
 * results is not taken for one of its present results.
 */
function basisOf(run: RunRecord): string | undefined {
  const s = run.summary;
  return s ? [s.total, s.passed, s.failed, s.errors, s.durationMs].join('/') : undefined;
}

/**
 * The failure analysis of a run, as the HTML report computes it (one pass over its results):
 * failure clusters, reasons per evaluator, failing strata and the retrieval-vs-generation
 * attribution of RAG failures.
 */
export async function computeRunAnalysis(store: Store, run: RunRecord): Promise<RunAnalysis> {
  const { analysis } = await analyzeRun(await reportSourceOf(store, run));
  const { failures: _all, ...rest } = analysis;
  return {
    ...rest,
    clusters: {
      ...rest.clusters,
      groups: rest.clusters.groups.map((g) => ({ ...g, members: g.members.slice(0, MEMBERS) })),
      unclustered: rest.clusters.unclustered.slice(0, MEMBERS),
    },
  };
}

/**
 * Computes a closed run's analysis and stores it beside the run (`assay eval` does it as the run
 * ends, so the run page reads it instead of paying a pass over every result).
 *
 * @example
 * await storeRunAnalysis(store, { ...run, status: 'completed', summary });
 */
export async function storeRunAnalysis(store: Store, run: RunRecord): Promise<RunAnalysis> {
  const analysis = await computeRunAnalysis(store, run);
  const basis = basisOf(run);
  if (basis)
    await store.saveArtifact(run.id, ANALYSIS_ARTIFACT, { basis, analysis } satisfies StoredAnalysis);
  return analysis;
}

/** The analysis stored for the run as it now stands; undefined when none is (or it is of earlier results). */
export async function storedRunAnalysis(store: Store, run: RunRecord): Promise<RunAnalysis | undefined> {
  const basis = basisOf(run);
  if (!basis || run.status === 'running') return undefined;
  const stored = (await store.artifacts(run.id, ANALYSIS_ARTIFACT)).at(-1)?.value as
    | StoredAnalysis
    | undefined;
  return stored?.basis === basis ? stored.analysis : undefined;
}

/**
 * A run's analysis: the stored one when it is of the run's present results, else computed, and
 * stored when the run is closed (runs stored before analyses were kept are computed once). A run
 * still going is computed each time.
 */
export async function runAnalysisOf(store: Store, run: RunRecord): Promise<RunAnalysis> {
  if (run.status === 'running' || !run.summary) return computeRunAnalysis(store, run);
  return (await storedRunAnalysis(store, run)) ?? storeRunAnalysis(store, run);
}
