/**
 * The JSON shapes of the runs API (`/api/v1/runs…`, `/api/v1/compare`), as the web app reads them.
 * Type-only: the web app imports these, so server and pages cannot drift apart.
 */
import type { Comparison } from '../../compare/analyze.js';
import type { ResultStatus } from '../../core/result-query.js';
import type { Provenance, RunStatus } from '../../core/run.js';
import type { Score } from '../../core/score.js';
import type { GateOutcome, RunSummary } from '../../core/summary.js';
import type { JudgeBiasReport } from '../../judge/bias/report.js';
import type { Calibration } from '../../judge/calibration/calibrate.js';
import type { RunAnalysis } from '../../report/stored-analysis.js';

export type { Comparison, ComparisonRow } from '../../compare/analyze.js';
export type { ResultSort, ResultStatus } from '../../core/result-query.js';
export type { GateOutcome, PassRate, RunSummary } from '../../core/summary.js';

/** How far a run is: results stored so far, and how many it will have when complete. */
export interface Progress {
  done: number;
  expected: number | null;
}

/** The regression flag: the latest comparison of this run against a baseline, when there is one. */
export interface RegressionFlag {
  baseline: string;
  regressions: number;
  /** `metric @ stratum` of each regressed row. */
  rows: string[];
}

/** One line of the runs page. */
export interface RunListItem {
  id: string;
  createdAt: string;
  finishedAt: string | null;
  status: RunStatus;
  description: string | null;
  configHash: string;
  dataset: { name: string; version: string; cases: number };
  targets: string[];
  gitCommit: string | null;
  total: number | null;
  passRate: number | null;
  interval: [number, number] | null;
  errors: number | null;
  costUsd: number | null;
  latencyMs: { p50: number; p95: number } | null;
  gatesPassed: boolean | null;
  /** The stratum keys and values the run's results carry (`type=math`). */
  tags: string[];
  progress: Progress | null;
  regression: RegressionFlag | null;
}

export interface RunList {
  runs: RunListItem[];
  /** Every value the filters can take over the stored runs listed. */
  facets: { configs: string[]; datasets: string[]; statuses: string[]; tags: string[] };
}

export interface RunDetail {
  run: {
    id: string;
    createdAt: string;
    finishedAt: string | null;
    status: RunStatus;
    description: string | null;
    configHash: string;
    error: string | null;
    provenance: Provenance;
  };
  /** Stored at the end of the run; rebuilt from the results so far while it is running. */
  summary: RunSummary;
  gates: GateOutcome[];
  progress: Progress;
  judgeBias: JudgeBiasReport | null;
  calibrations: Calibration[];
  comparison: Comparison | null;
  regression: RegressionFlag | null;
  facets: { targets: string[]; evaluators: string[]; tags: Record<string, string[]> };
}

export type { RunAnalysis };

/** One row of the case table. */
export interface ResultRow {
  id: number;
  caseId: string;
  target: string;
  repeat: number;
  tags: Record<string, string>;
  status: ResultStatus;
  latencyMs: number;
  costUsd: number | null;
  tokens: { input: number; output: number } | null;
  scores: { evaluator: string; value: number | null; pass: boolean | null }[];
  /** The output's first characters. */
  output: string | null;
  error: string | null;
}

export interface ResultList {
  total: number;
  offset: number;
  limit: number;
  rows: ResultRow[];
}

/** The case view: everything about one result. */
export interface ResultView {
  id: number;
  runId: string;
  caseId: string;
  target: string;
  repeat: number;
  tags: Record<string, string>;
  status: ResultStatus;
  latencyMs: number;
  costUsd: number | null;
  tokens: { input: number; output: number } | null;
  error: string | null;
  /** The case's template variables, as the dataset has them. */
  input: Record<string, unknown> | null;
  expected: unknown;
  output: string | null;
  cached: boolean;
  /** Prompt messages as sent (or the prompt text). */
  prompt: unknown;
  contexts: { id?: string; text: string; score?: number }[];
  toolCalls: { id?: string; name: string; arguments: unknown }[];
  turns: {
    user: string;
    assistant: string;
    latencyMs: number;
    by?: string;
    error?: string;
    scores?: Score[];
  }[];
  scores: Score[];
  provenance: {
    runId: string;
    dataset: Provenance['dataset'];
    targets: Record<string, unknown>[];
    configHash: string;
    gitCommit: string | null;
    promptHash: string | null;
  };
}

/** A case whose outcome changed between the two runs of a comparison. */
export interface ChangedCase {
  key: string;
  caseId: string;
  target: string;
  baselinePass: number | null;
  candidatePass: number | null;
  change: 'fixed' | 'broke' | 'changed';
}

export interface CompareView {
  comparison: Comparison;
  changed: ChangedCase[];
  /** How many changed cases there are in all (the list is capped). */
  changedTotal: number;
}
