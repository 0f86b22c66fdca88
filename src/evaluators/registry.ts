import { formatPath } from '../config/env.js';
import { AssayError, isAssayError } from '../core/errors.js';
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
  latency: async () => (await import('./operational.js')).latency,
  cost: async () => (await import('./operational.js')).cost,
  function: async () => (await import('./function.js')).functionEvaluator,
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
  const load = extra.get(type) ?? BUILTIN[type as BuiltinEvaluatorType];
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
  at: { file?: string; path?: (string | number)[] } = {},
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
  for (const e of out) {
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
