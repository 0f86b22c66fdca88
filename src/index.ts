/**
 * assay: evaluate LLM applications the way they are used in production. Everything the CLI does is
 * here as plain functions: load a suite, run it (with or without a store), compare runs.
 */

export type { Comparison, ComparisonRow } from './compare/analyze.js';
export { compareRuns } from './compare/analyze.js';
export { loadSide, sideFromResults } from './compare/sides.js';
export type { LoadedConfig } from './config/load.js';
export { findConfig, loadConfig } from './config/load.js';
export type { Config, ConfigInput } from './config/schema.js';
export { defineConfig } from './config/schema.js';
export type { Case, Origin, Turn } from './core/case.js';
export type { Dataset } from './core/dataset.js';
export type { ErrorCode } from './core/errors.js';
export { AssayError, isAssayError } from './core/errors.js';
export type {
  EmbedAnswer,
  ModelAnswer,
  ModelCaller,
  ModelCallOptions,
  ModelRole,
} from './core/model-call.js';
export { directModelCaller } from './core/model-call.js';
export type { Context, Output, ToolCall, TurnRecord, Usage } from './core/output.js';
export type { ChatMessage, GenerateRequest, GenerateResponse, Provider } from './core/provider.js';
export type { Provenance, ResultRecord, RunRecord } from './core/run.js';
export type { Evaluator, EvaluatorInput, EvaluatorResult, Score } from './core/score.js';
export { boolScore, scoreError, thresholdScore } from './core/score.js';
export type { UserSimulator } from './core/simulator.js';
export type { SaveResultsOptions, Store, TransactionSql } from './core/store.js';
export type { GateOutcome, ModelUsage, PassRate, RunSummary } from './core/summary.js';
export type { PlannedCall, Target, TargetOutput } from './core/target.js';
export { datasetFromCases, loadDataset, parseDataset } from './datasets/load.js';
export { stratifiedSample } from './datasets/sample.js';
export type { EvaluatorContext, EvaluatorFactory } from './evaluators/factory.js';
export {
  createEvaluator,
  createEvaluators,
  evaluatorTypes,
  registerEvaluator,
} from './evaluators/registry.js';
export { checkGates } from './gates/rate-gates.js';
export type { Gates } from './gates/schema.js';
export { type OtlpObserver, otlpObserver } from './otel/observer.js';
export { resultSpanIds } from './otel/result-span.js';
export { registerProvider, resolveProvider } from './providers/registry.js';
export { standaloneModelCaller } from './runner/call-model.js';
export type {
  EvalDeps,
  EvalOutcome,
  EvalSpec,
  Progress,
  ResultSink,
  RunObserver,
} from './runner/run-eval.js';
export { runEval } from './runner/run-eval.js';
export { openStore } from './store/open.js';
export { openPostgresStore } from './store/postgres.js';
export { openSqliteStore } from './store/sqlite.js';
export type { Suite } from './suite/build-suite.js';
export { buildSuite } from './suite/build-suite.js';
export type { PipelineOptions, PipelineResult } from './suite/run-pipeline.js';
export { runPipeline } from './suite/run-pipeline.js';
export { runSuite } from './suite/run-suite.js';
export { createFunctionTarget } from './targets/function-target.js';
export { createHttpTarget } from './targets/http-target.js';
export { createPromptTarget } from './targets/prompt-target.js';
