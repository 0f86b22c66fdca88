import { AssayError, isAssayError } from '../core/errors.js';
import { formatPath } from '../core/field-path.js';
import type { Evaluator } from '../core/score.js';
import type { EvaluatorContext, EvaluatorFactory } from './factory.js';

type Loader = () => Promise<EvaluatorFactory>;

/**
 * Built-in evaluator types, each loaded on first use so start-up stays fast. Users add their own
 * with `registerEvaluator`, which goes through the same map.
 */
const BUILTIN = {
  equals: async () => (await import('./text.js')).equals,
  contains: async () => (await import('./text.js')).contains,
  icontains: async () => (await import('./text.js')).icontains,
  'not-contains': async () => (await import('./text.js')).notContains,
  'starts-with': async () => (await import('./text.js')).startsWith,
  regex: async () => (await import('./text.js')).regex,
  'is-json': async () => (await import('./json.js')).isJson,
  'json-schema': async () => (await import('./json.js')).jsonSchema,
  'contains-json': async () => (await import('./json.js')).containsJson,
  latency: async () => (await import('./operational.js')).latency,
  cost: async () => (await import('./operational.js')).cost,
  function: async () => (await import('./function.js')).functionEvaluator,
  javascript: async () => (await import('./javascript.js')).javascript,
  rubric: async () => (await import('../judge/rubric.js')).rubric,
  factuality: async () => (await import('../judge/factuality.js')).factuality,
  pairwise: async () => (await import('../judge/pairwise.js')).pairwise,
  similar: async () => (await import('./similarity.js')).similar,
  f1: async () => (await import('./reference.js')).f1,
  'exact-match': async () => (await import('./reference.js')).exactMatch,
  'rouge-l': async () => (await import('./reference.js')).rougeL,
  'rouge-n': async () => (await import('./reference.js')).rougeN,
  bleu: async () => (await import('./reference.js')).bleu,
  levenshtein: async () => (await import('./reference.js')).levenshtein,
  numeric: async () => (await import('./numeric.js')).numeric,
  'retrieval-recall@k': async () => (await import('./retrieval.js')).retrievalRecall,
  'retrieval-precision@k': async () => (await import('./retrieval.js')).retrievalPrecision,
  mrr: async () => (await import('./retrieval.js')).mrr,
  'mrr@k': async () => (await import('./retrieval.js')).mrr,
  'ndcg@k': async () => (await import('./retrieval.js')).ndcg,
  'tool-call': async () => (await import('./tool-call.js')).toolCall,
  'valid-tool-calls': async () => (await import('./tool-call-valid.js')).validToolCalls,
  'context-recall': async () => (await import('../judge/context-recall.js')).contextRecall,
  'context-faithfulness': async () => (await import('../judge/context-faithfulness.js')).contextFaithfulness,
  'answer-relevance': async () => (await import('../judge/answer-relevance.js')).answerRelevance,
  'llm-rubric': async () => (await import('../judge/model-graded.js')).llmRubric,
  'model-graded-closedqa': async () => (await import('../judge/model-graded.js')).closedQa,
  'model-graded-factuality': async () => (await import('../judge/model-graded.js')).modelGradedFactuality,
  safety: async () => (await import('./safety/index.js')).safety,
  all: async () => (await import('./combinators.js')).all,
  any: async () => (await import('./combinators.js')).any,
  not: async () => (await import('./combinators.js')).not,
  weighted: async () => (await import('./combinators.js')).weighted,
} satisfies Record<string, Loader>;

export type BuiltinEvaluatorType = keyof typeof BUILTIN;

const extra = new Map<string, Loader>();

/** Adds an evaluator type (or replaces a built-in) for configs and `createEvaluator`. */
export function registerEvaluator(type: string, factory: EvaluatorFactory): void {
  extra.set(type, async () => factory);
}

export function evaluatorTypes(): string[] {
  return [...new Set([...Object.keys(BUILTIN), ...extra.keys()])].sort();
}

/** Builds one evaluator from its config (`{ type, ...options }`). */
export async function createEvaluator(
  config: Record<string, unknown>,
  ctx: EvaluatorContext,
): Promise<Evaluator> {
  const type = String(config.type);
  // `retrieval-recall@5` is `retrieval-recall@k`; the factory reads k from the type.
  const load =
    extra.get(type) ??
    BUILTIN[type as BuiltinEvaluatorType] ??
    BUILTIN[type.replace(/@\d+$/, '@k') as BuiltinEvaluatorType];
  if (!load) {
    throw new AssayError(
      'evaluator.unknown',
      `unknown evaluator type "${type}" (known: ${evaluatorTypes().join(', ')})`,
      {
        field: 'type',
      },
    );
  }
  const factory = await load();
  return factory(config, ctx);
}

/** Builds a suite's evaluators; an error names the evaluator's place in the config and the file. */
export async function createEvaluators(
  configs: Record<string, unknown>[],
  ctx: EvaluatorContext,
  at: { file?: string; path?: (string | number)[]; uniqueNames?: boolean } = {},
): Promise<Evaluator[]> {
  const out: Evaluator[] = [];
  for (const [i, config] of configs.entries()) {
    try {
      out.push(await createEvaluator(config, ctx));
    } catch (error) {
      if (!isAssayError(error)) throw error;
      const field = formatPath([...(at.path ?? ['evaluators']), i]) + (error.field ? `.${error.field}` : '');
      throw new AssayError(error.code, error.message, {
        field,
        ...(at.file ? { file: at.file } : {}),
        cause: error,
      });
    }
  }
  const names = new Set<string>();
  for (const e of at.uniqueNames === false ? [] : out) {
    if (names.has(e.name)) {
      throw new AssayError('evaluator.invalid', `two evaluators are named "${e.name}"; give one a "name"`, {
        ...(at.file ? { file: at.file } : {}),
        field: formatPath(at.path ?? ['evaluators']),
      });
    }
    names.add(e.name);
  }
  return out;
}
