import type { z } from 'zod';
import { formatPath } from '../config/env.js';
import { AssayError } from '../core/errors.js';
import type { Evaluator } from '../core/score.js';

/** What an evaluator factory may use besides its options. Filled in by whoever builds the suite. */
export interface EvaluatorContext {
  /** Folder that relative paths (schemas, modules) are resolved against. */
  baseDir: string;
  /** Imports a user's JS/TS module. */
  loadModule(file: string): Promise<Record<string, unknown>>;
  /** Environment variables, read once at the edge (for `${VAR}`-free provider keys). */
  env?: Record<string, string | undefined>;
  /** Extensions (judge providers, embedders, …) put shared services here. */
  services?: Record<string, unknown>;
}

export type EvaluatorFactory = (
  config: Record<string, unknown>,
  ctx: EvaluatorContext,
) => Evaluator | Promise<Evaluator>;

/** Validates an evaluator's options; the error names the field. */
export function parseOptions<S extends z.ZodType>(schema: S, config: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(config);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const message =
    issue.code === 'unrecognized_keys' ? `unknown option(s): ${issue.keys.join(', ')}` : issue.message;
  throw new AssayError('evaluator.invalid', message, {
    field: formatPath(issue.path as (string | number)[]),
  });
}
