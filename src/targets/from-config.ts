import { resolve } from 'node:path';
import {
  isFunctionTarget,
  isHttpTarget,
  type ModelTargetConfig,
  type Prompt,
  type TargetConfig,
} from '../config/schema.js';
import { AssayError } from '../core/errors.js';
import type { Target } from '../core/target.js';
import { type Price, priceFor } from '../providers/pricing.js';
import { resolveProvider } from '../providers/registry.js';
import { createFunctionTarget, type TargetFunction } from './function-target.js';
import { createHttpTarget } from './http-target.js';
import { createPromptTarget } from './prompt-target.js';
import { promptfooProviderFunction } from './promptfoo-provider.js';

export interface TargetContext {
  baseDir: string;
  env: Record<string, string | undefined>;
  loadModule(file: string): Promise<Record<string, unknown>>;
  /** The suite's prompt; a target may carry its own. */
  prompt?: Prompt;
  pricing?: Record<string, Price>;
  timeoutMs?: number;
}

/** The id a target gets when the config gives none: its provider string, module or URL. */
export function targetId(t: TargetConfig): string {
  if (t.id) return t.id;
  if (isFunctionTarget(t)) return t.module;
  if (isHttpTarget(t)) return t.url;
  return t.provider;
}

/** Builds the targets of a config. Function modules are imported by `check()` or the first call. */
export async function createTargets(configs: TargetConfig[], ctx: TargetContext): Promise<Target[]> {
  return Promise.all(configs.map((t, i) => createTarget(t, i, ctx)));
}

async function createTarget(t: TargetConfig, i: number, ctx: TargetContext): Promise<Target> {
  const id = targetId(t);
  if (isFunctionTarget(t)) {
    const [file, name] = t.module.split('#') as [string, string];
    if (t.prompt !== undefined && !t.promptfooProvider)
      throw new AssayError(
        'config.invalid',
        `target "${id}": a prompt is for promptfooProvider targets only`,
        {
          field: `targets[${i}].prompt`,
        },
      );
    const path = resolve(ctx.baseDir, file);
    return createFunctionTarget({
      id,
      source: t.module,
      lazy: true,
      fn: async () => {
        const mod = await ctx.loadModule(path).catch((error) => {
          // `file: target "app": cannot load module: SyntaxError …`
          throw new AssayError('module.load', `target "${id}": ${error.message}`, {
            file: error.file ?? path,
            cause: error,
          });
        });
        const fn = mod[name];
        if (t.promptfooProvider) {
          if (fn === undefined)
            throw new AssayError('target.invalid', `target "${id}": ${file} has no export "${name}"`, {
              field: `targets[${i}].module`,
            });
          return promptfooProviderFunction(fn, t.promptfooProvider, t.prompt, `target "${id}" (${file})`);
        }
        if (typeof fn !== 'function') {
          throw new AssayError(
            'target.invalid',
            `target "${id}": ${file} has no exported function "${name}"`,
            {
              field: `targets[${i}].module`,
            },
          );
        }
        return fn as TargetFunction;
      },
    });
  }
  if (isHttpTarget(t)) {
    return createHttpTarget({
      id,
      url: t.url,
      method: t.method,
      ...(t.headers ? { headers: t.headers } : {}),
      ...(t.body === undefined ? {} : { body: t.body }),
      ...(t.output ? { output: t.output } : {}),
      ...(t.contexts ? { contexts: t.contexts } : {}),
      ...(t.toolCalls ? { toolCalls: t.toolCalls } : {}),
      ...(t.concurrency ? { maxConcurrency: t.concurrency } : {}),
      ...(t.timeoutMs ? { timeoutMs: t.timeoutMs } : {}),
    });
  }
  return createModelTarget(t as ModelTargetConfig, i, id, ctx);
}

async function createModelTarget(
  t: ModelTargetConfig,
  i: number,
  id: string,
  ctx: TargetContext,
): Promise<Target> {
  // Optional: a dataset of conversations needs none (the turns are the prompt); a single-turn case
  // without one fails before the run, naming the case.
  const prompt = t.prompt ?? ctx.prompt;
  let provider: Awaited<ReturnType<typeof resolveProvider>>;
  try {
    provider = await resolveProvider(
      {
        provider: t.provider,
        ...(t.baseURL ? { baseURL: t.baseURL } : {}),
        ...(t.apiKey ? { apiKey: t.apiKey } : {}),
        ...(t.headers ? { headers: t.headers } : {}),
        ...(t.timeoutMs ? { timeoutMs: t.timeoutMs } : {}),
        baseDir: ctx.baseDir,
      },
      ctx.env,
    );
  } catch (error) {
    throw new AssayError('config.invalid', (error as Error).message, {
      field: `targets[${i}].provider`,
      cause: error,
    });
  }
  const target = createPromptTarget({
    id,
    provider,
    ...(prompt === undefined ? {} : { prompt }),
    ...(t.params ? { params: t.params } : {}),
    endpoint: t.baseURL ?? 'default',
    ...(t.concurrency ? { maxConcurrency: t.concurrency } : {}),
  });
  const price = t.price ?? priceFor(provider.model, ctx.pricing) ?? provider.price;
  if (price) target.price = price;
  return target;
}
