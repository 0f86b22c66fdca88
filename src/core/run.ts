import type { ModelRole } from './model-call.js';
import type { Output } from './output.js';
import type { Score } from './score.js';

/** Everything needed to reproduce a run. No secret is ever part of it. */
export interface Provenance {
  assayVersion: string;
  nodeVersion: string;
  dataset: { name: string; version: string; path?: string; cases: number };
  promptHash?: string;
  targets: Record<string, unknown>[];
  evaluators: unknown[];
  /** The judge prompt templates used (name, version, hash and text), so every verdict can be traced. */
  judgePrompts?: unknown[];
  configHash: string;
  configPath?: string;
  gitCommit?: string;
  gitDirty?: boolean;
  filters?: Record<string, unknown>;
  repeat?: number;
  sample?: Record<string, unknown>;
  /** Faults injected between Assay and the targets (`--fault`), and the seed of their draws. */
  faults?: { spec: string; seed: number };
}

export type RunStatus = 'running' | 'completed' | 'aborted' | 'interrupted';

export interface RunRecord {
  id: string;
  createdAt: string;
  finishedAt?: string;
  status: RunStatus;
  description?: string;
  configHash: string;
  provenance: Provenance;
  summary?: RunSummary;
  error?: string;
}

/** One case × target (× repeat) of a run. */
export interface ResultRecord {
  runId: string;
  caseId: string;
  target: string;
  repeat: number;
  tags: Record<string, string>;
  output: Output | null;
  /** All scores passed; `false` if one failed; errors are counted apart. */
  pass: boolean;
  /** The target failed after retries: no output was judged. */
  error?: string;
  scores: Score[];
  latencyMs: number;
  costUsd?: number;
  tokens?: { input: number; output: number };
}

/** The key of a result inside its run. */
export function resultKey(caseId: string, target: string, repeat = 0): string {
  return `${target}\u0000${caseId}\u0000${repeat}`;
}

export interface PassRate {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  /** passed / (passed + failed); errors are not answers and are left out. */
  passRate: number;
  /** 95% Wilson interval of passRate. */
  interval?: [number, number];
}

export interface EvaluatorSummary {
  evaluator: string;
  count: number;
  passed: number;
  errors: number;
  meanScore: number | null;
}

export interface RunSummary extends PassRate {
  byTag: Record<string, Record<string, PassRate>>;
  byTarget: Record<string, PassRate>;
  byEvaluator: Record<string, EvaluatorSummary>;
  latencyMs: { p50: number; p95: number; p99: number; mean: number; max: number };
  /** The targets' tokens and cost. */
  tokens: { input: number; output: number; total: number };
  costUsd: number;
  cached: number;
  /** Calls of the models that evaluate the run (judges, simulated user, embedders), by role. */
  models?: Partial<Record<ModelRole, ModelUsage>>;
  durationMs: number;
  gates?: GateOutcome[];
  /** The most frequent error messages of each target (at most 5 each), most frequent first. */
  topErrors?: ErrorCount[];
  /** Present when cases ran several times (`--repeat`). */
  repeats?: RepeatSummary;
}

export interface ErrorCount {
  target: string;
  message: string;
  count: number;
}

/** Calls a run made to a model in one role, the answers from the cache among them, and what they cost. */
export interface ModelUsage {
  calls: number;
  cached: number;
  tokens: { input: number; output: number; total: number };
  /** USD, for models with a known price (config `pricing:` or the built-in list). */
  costUsd: number;
}

export interface RepeatSummary {
  /** Runs per case. */
  k: number;
  cases: number;
  /** Cases that neither always passed nor always failed. */
  flaky: { count: number; cases: string[] };
  alwaysPass: number;
  alwaysFail: number;
  /** Mean over cases of the chance that at least one of k tries passes (Chen et al. 2021). */
  passAtK: number | null;
  /** Mean over cases of the chance that all k tries pass. */
  passHatK: number | null;
  meanCasePassRate: number;
}

export interface GateOutcome {
  gate: string;
  pass: boolean;
  actual: number | null;
  threshold: number;
  message: string;
}
