import type { ModelRole } from './model-call.js';

/** A run's summary: pass rates overall and per stratum, latency, tokens, cost, gates, errors. */
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
