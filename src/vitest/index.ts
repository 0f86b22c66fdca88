/**
 * assay/vitest: Assay evaluations written as Vitest suites. Vitest is an optional peer dependency:
 * import this entry only from test files Vitest runs.
 */

export type { DescribeEvalOptions, EvalCase, EvaluatorSpec, TaskOutput } from './describe-eval.js';
export { caseVerdict, describeEval } from './describe-eval.js';
