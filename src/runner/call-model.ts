import { AssayError } from '../core/errors.js';
import type {
  EmbedAnswer,
  ModelAnswer,
  ModelCaller,
  ModelCallOptions,
  ModelRole,
} from '../core/model-call.js';
import { toEmbedAnswer } from '../core/model-call.js';
import type { GenerateResponse, Provider } from '../core/provider.js';
import { decodeVector, encodeVector, vectorKey } from '../embeddings/vector.js';
import { contentHash } from '../util/hash.js';
import { withRetries } from './attempts.js';
import { type CallPolicy, type Pools, poolFor } from './call-target.js';
import { ModelUsageTally } from './model-usage.js';
import { DEFAULT_RETRY } from './retry.js';

/** What a cached generate answer keeps: what its reader needs, nothing of the raw response. */
type CachedGenerate = Pick<GenerateResponse, 'text' | 'toolCalls' | 'usage'>;

export interface ModelCallerDeps {
  policy: CallPolicy;
  /** The run's pools, shared with its targets: a judge on the target's server shares its limit. */
  pools: Pools;
  /** The run's signal: a call stops when either it or the caller's aborts. */
  signal: AbortSignal;
  usage: ModelUsageTally;
}

/**
 * The run's `callModel`: judge, simulator and embedder calls go through the same pools, adaptive
 * limit, retries and cache as the targets' (`withRetries`), and their tokens and cost are counted
 * by role. Cache keys are `<role>:<hash of provider, endpoint and request>`.
 */
export function createModelCaller(deps: ModelCallerDeps): ModelCaller {
  const { policy, pools, usage } = deps;
  const pool = (provider: Provider) =>
    poolFor(pools, `${provider.family}@${provider.endpoint ?? 'default'}`, policy.concurrency);
  const scope = (provider: Provider) => `${provider.id}@${provider.endpoint ?? 'default'}`;
  // Evaluators in a run pass the run's own signal: only a different one needs combining.
  const signalOf = (signal?: AbortSignal) =>
    signal && signal !== deps.signal ? AbortSignal.any([deps.signal, signal]) : deps.signal;
  const attempt = <T extends object>(
    provider: Provider,
    role: ModelRole,
    signal: AbortSignal,
    fn: (s: AbortSignal) => Promise<T>,
  ) =>
    withRetries(fn, {
      pool: pool(provider),
      retry: policy.retry,
      signal,
      ...(policy.onRetry
        ? {
            onRetry: (info) => policy.onRetry!({ target: `${role} ${provider.id}`, caseId: '', ...info }),
          }
        : {}),
    });

  return {
    async callModel(provider, request, options: ModelCallOptions): Promise<ModelAnswer> {
      const key =
        options.cacheKey !== undefined && policy.cache
          ? `${options.role}:${contentHash({ scope: scope(provider), key: options.cacheKey })}`
          : undefined;
      if (key) {
        const hit = (await policy.cache!.get(key)) as CachedGenerate | undefined;
        if (hit && typeof hit.text === 'string') {
          usage.add(options.role, provider, undefined, true);
          return { ...hit, cached: true };
        }
      }
      const { value } = await attempt(provider, options.role, signalOf(options.signal), (signal) =>
        provider.generate(request, { signal, timeoutMs: policy.timeoutMs }),
      );
      usage.add(options.role, provider, value.usage, false);
      if (key && (options.cacheIf?.(value) ?? true)) {
        const kept: CachedGenerate = {
          text: value.text,
          ...(value.toolCalls ? { toolCalls: value.toolCalls } : {}),
          ...(value.usage ? { usage: value.usage } : {}),
        };
        await policy.cache!.set(key, kept);
      }
      const { rateLimit: _, ...answer } = value;
      return answer;
    },

    async embed(provider, texts, options): Promise<EmbedAnswer> {
      const embed = provider.embed?.bind(provider);
      if (!embed) throw new AssayError('provider.unknown', `provider "${provider.id}" has no embeddings API`);
      const cache = policy.cache;
      const model = vectorModel(provider);
      const vectors: (ArrayLike<number> | undefined)[] = cache
        ? await Promise.all(
            texts.map(async (t) => {
              const stored = await cache.get(vectorKey(model, t));
              return typeof stored === 'string' ? decodeVector(stored) : undefined;
            }),
          )
        : new Array(texts.length).fill(undefined);
      const missing = [...new Set(texts.filter((_, i) => vectors[i] === undefined))];
      if (missing.length === 0) {
        usage.add(options.role, provider, undefined, true);
        return { vectors: vectors as ArrayLike<number>[] };
      }
      const { value } = await attempt(provider, options.role, signalOf(options.signal), async (signal) =>
        toEmbedAnswer(await embed(missing, { signal, timeoutMs: policy.timeoutMs })),
      );
      usage.add(options.role, provider, value.usage, false);
      const byText = new Map(missing.map((t, i) => [t, value.vectors[i]!]));
      if (cache) {
        for (const [t, v] of byText) await cache.set(vectorKey(model, t), encodeVector(Float32Array.from(v)));
      }
      return {
        vectors: texts.map((t, i) => vectors[i] ?? byText.get(t)!),
        ...(value.usage ? { usage: value.usage } : {}),
      };
    },
  };
}

/** Vectors are cached under the embedder's id: the model, and the server when it is not the vendor's. */
function vectorModel(provider: Provider): string {
  const endpoint = provider.endpoint;
  return endpoint && endpoint !== 'default' ? `${provider.id}@${endpoint.replace(/\/+$/, '')}` : provider.id;
}

export interface StandaloneCallerOptions {
  cache?: CallPolicy['cache'];
  /** Retries after the first attempt (default 4). */
  retries?: number;
  concurrency?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * A call path of its own, for evaluators used outside `runEval` (a script, a unit test) that should
 * still retry, limit and cache as a run does. `usage` counts its calls by role.
 *
 * @example
 * const { models } = standaloneModelCaller({ retries: 2 });
 * await rubric.evaluate({ case: c, output, target: 'app', models });
 */
export function standaloneModelCaller(options: StandaloneCallerOptions = {}): {
  models: ModelCaller;
  usage: ModelUsageTally;
} {
  const usage = new ModelUsageTally();
  const models = createModelCaller({
    policy: {
      retry: { ...DEFAULT_RETRY, ...(options.retries === undefined ? {} : { retries: options.retries }) },
      timeoutMs: options.timeoutMs ?? 60_000,
      concurrency: options.concurrency ?? 16,
      ...(options.cache ? { cache: options.cache } : {}),
    },
    pools: new Map(),
    signal: options.signal ?? new AbortController().signal,
    usage,
  });
  return { models, usage };
}
