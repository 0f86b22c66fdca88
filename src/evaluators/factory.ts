import type { z } from 'zod';
import { AssayError } from '../core/errors.js';
import { formatPath } from '../core/field-path.js';
import type { Evaluator } from '../core/score.js';
import type { Target } from '../core/target.js';
import type { EmbeddingService } from '../embeddings/service.js';

/** What an evaluator factory may use besides its options. Filled in by whoever builds the suite. */
export interface EvaluatorContext {
  /** Folder that relative paths (schemas, modules) are resolved against. */
  baseDir: string;
  /** Imports a user's JS/TS module. */
  loadModule(file: string): Promise<Record<string, unknown>>;
  /** Environment variables, read once at the edge (for `${VAR}`-free provider keys). */
  env?: Record<string, string | undefined>;
  /** What judge evaluators read from the suite. */
  judge?: JudgeContext;
  /** The suite's embedders, one per spec, shared by every evaluator that embeds (`similar`). */
  embeddings?: EmbeddingService;
}

/** The suite as judge evaluators see it. */
export interface JudgeContext {
  /** The suite's targets, for the self-preference check and `pairwise`'s `against`. */
  targets?: Pick<Target, 'id' | 'provider'>[];
  /** The suite's top-level `judge`, used by judge evaluators that name none. */
  defaultJudge?: unknown;
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
