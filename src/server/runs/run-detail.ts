import type { RunRecord } from '../../core/run.js';
import type { RunScope, Store } from '../../core/store.js';
import type { RunSummary } from '../../core/summary.js';
import type { JudgeBiasReport } from '../../judge/bias/report.js';
import type { Calibration } from '../../judge/calibration/calibrate.js';
import { SummaryBuilder } from '../../runner/summary.js';
import { progressOf } from './list-runs.js';
import { latestComparison, regressionFlag } from './regression.js';
import type { RunDetail } from './views.js';

/** A running run has no stored summary yet: build one from the results stored so far. */
async function currentSummary(store: Store, run: RunRecord): Promise<RunSummary> {
  if (run.summary) return run.summary;
  const builder = new SummaryBuilder(run.provenance.repeat ?? 1);
  for await (const r of store.results(run.id)) builder.add(r);
  const started = Date.parse(run.createdAt);
  return builder.build(Number.isFinite(started) ? Math.max(0, Date.now() - started) : 0);
}

/**
 * The run page's header data: summary per evaluator and stratum with intervals, gates, the judge's
 * bias checks and calibrations, the latest comparison against a baseline, and progress while running.
 * Undefined when there is no such run (in the scope's project, when given).
 */
export async function runDetail(
  store: Store,
  id: string,
  scope: RunScope = {},
): Promise<RunDetail | undefined> {
  const run = await store.getRun(id, scope);
  if (!run) return undefined;
  // Artifacts by kind: the stored failure analysis beside them is the analysis route's to read.
  const [summary, progress, biasReports, calibrationDocs, comparison] = await Promise.all([
    currentSummary(store, run),
    progressOf(store, run),
    store.artifacts(run.id, 'judge-bias'),
    store.artifacts(run.id, 'calibration'),
    latestComparison(store, run.id),
  ]);
  const bias = biasReports.at(-1)?.value as JudgeBiasReport | undefined;
  const calibration = calibrationDocs.at(-1)?.value as { calibrations?: Calibration[] } | undefined;
  const { summary: _stored, ...fields } = run;
  return {
    run: {
      id: fields.id,
      createdAt: fields.createdAt,
      finishedAt: fields.finishedAt ?? null,
      status: fields.status,
      description: fields.description ?? null,
      configHash: fields.configHash,
      error: fields.error ?? null,
      provenance: fields.provenance,
    },
    summary,
    gates: summary.gates ?? [],
    progress,
    judgeBias: bias ?? null,
    calibrations: Array.isArray(calibration?.calibrations) ? calibration.calibrations : [],
    comparison,
    regression: regressionFlag(comparison),
    facets: {
      targets: Object.keys(summary.byTarget).sort(),
      evaluators: Object.keys(summary.byEvaluator).sort(),
      tags: Object.fromEntries(
        Object.entries(summary.byTag)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, values]) => [k, Object.keys(values).sort()]),
      ),
    },
  };
}
