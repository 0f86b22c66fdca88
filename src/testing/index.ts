/**
 * `assay/testing`: the layer-1 toolkit, for the deterministic parts of an LLM app in your own
 * Vitest, Jest or node:test suites — prompt templates, output parsers, tools — and `toPass`, any
 * Assay evaluator as a Vitest matcher.
 */
export { type EdgeInput, edgeInputs } from './edge-inputs.js';
export {
  assayMatchers,
  type EvaluatorSpec,
  type MatcherResult,
  type ToPassOptions,
} from './matchers.js';
export {
  assertParser,
  checkParser,
  formatParserReport,
  isParseFailure,
  type MalformedSample,
  type ParserCheckOptions,
  type ParserProblem,
  type ParserReport,
  type ValidSample,
} from './parser-check.js';
export {
  assertTemplate,
  checkTemplate,
  formatTemplateReport,
  type TemplateCheckOptions,
  type TemplateProblem,
  type TemplateProblemKind,
  type TemplateReport,
  type TemplateRows,
  type TemplateSource,
} from './template-check.js';
export { type TemplateVariable, templateVariables } from './template-variables.js';
export {
  assertTool,
  checkTool,
  formatToolReport,
  type ToolCase,
  type ToolCaseResult,
  type ToolCheckOptions,
  type ToolFunction,
  type ToolReport,
} from './tool-check.js';
