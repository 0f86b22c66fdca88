import { z } from 'zod';
import { AssayError } from '../core/errors.js';
import type { Provider } from '../core/provider.js';
import type { EvaluatorContext } from '../evaluators/factory.js';
import { resolveProvider } from '../providers/registry.js';
import { modelFamily } from './family.js';

const judgeObject = z.strictObject({
  provider: z.string().regex(/^[a-z][\w-]*:.+$/, 'expected "family:model", e.g. openai:gpt-4o-mini'),
  /** A name for this judge in reports (default: its provider string). */
  id: z.string().min(1).optional(),
  baseURL: z.url().optional(),
  apiKey: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** Model parameters; `temperature` defaults to 0. */
  params: z.record(z.string(), z.unknown()).optional(),
  timeoutMs: z.number().int().positive().optional(),
  /** Ask for JSON mode where the API has it (default true; turn off for servers that reject it). */
  json: z.boolean().optional(),
  /** Ask for the verdict as the arguments of a tool call instead of message content. */
  tool: z.boolean().optional(),
});

const oneJudge = z.union([
  z.string().regex(/^[a-z][\w-]*:.+$/, 'expected "family:model", e.g. openai:gpt-4o-mini'),
  judgeObject,
]);

/** `judge`: a provider string, an object with the keys of a model target, or a list of either. */
export const judgeOptionSchema = z.union([oneJudge, z.array(oneJudge).min(1)]);

/** One judge model, ready to call. */
export interface Judge {
  /** Its name in reports: the `id` given, else the provider string. */
  id: string;
  /** Model family inferred from the model name (undefined when unknown). */
  family?: string;
  provider: Provider;
  params: Record<string, unknown>;
  json: boolean;
  tool: boolean;
  /** What distinguishes this judge's answers in the cache besides the request (model and server). */
  cacheScope: string;
}

/**
 * Builds the judges of an evaluator from its `judge` option, or from the suite's top-level `judge`
 * when the evaluator gives none. Keys not in the config are read from `ctx.env` (`OPENAI_API_KEY`…).
 */
export async function resolveJudges(option: unknown, ctx: EvaluatorContext): Promise<Judge[]> {
  const given = option ?? ctx.judge?.defaultJudge;
  if (given === undefined) {
    throw new AssayError(
      'evaluator.invalid',
      'needs a "judge" (a provider such as openai:gpt-4o-mini), here or at the top level',
      {
        field: 'judge',
      },
    );
  }
  const parsed = judgeOptionSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.length ? `.${issue.path.join('.')}` : '';
    throw new AssayError('evaluator.invalid', issue.message, { field: `judge${path}` });
  }
  const list = (Array.isArray(parsed.data) ? parsed.data : [parsed.data]).map((j) =>
    typeof j === 'string' ? { provider: j } : j,
  );
  // Two judges on the same model (at different servers, say) are told apart by a suffix.
  const seen = new Map<string, number>();
  const ids = list.map((spec) => {
    const id = spec.id ?? spec.provider;
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return n > 1 ? `${id}#${n}` : id;
  });
  return Promise.all(
    list.map(async (spec, i) => {
      let provider: Provider;
      try {
        provider = await resolveProvider(
          {
            provider: spec.provider,
            ...(spec.baseURL ? { baseURL: spec.baseURL } : {}),
            ...(spec.apiKey ? { apiKey: spec.apiKey } : {}),
            ...(spec.headers ? { headers: spec.headers } : {}),
            timeoutMs: spec.timeoutMs ?? 120_000,
          },
          ctx.env,
        );
      } catch (error) {
        throw new AssayError('evaluator.invalid', (error as Error).message, {
          field: Array.isArray(parsed.data) ? `judge[${i}]` : 'judge',
          cause: error,
        });
      }
      const id = ids[i]!;
      const family = modelFamily(provider.model);
      return {
        id,
        ...(family ? { family } : {}),
        provider,
        params: { temperature: 0, ...spec.params },
        json: spec.json ?? true,
        tool: spec.tool ?? false,
        cacheScope: `${spec.provider}@${spec.baseURL ?? ''}`,
      };
    }),
  );
}
