import type { Usage } from './output.js';
import type { GenerateRequest, GenerateResponse, Provider } from './provider.js';

/**
 * What a model call is for. Targets are the system under test; judge, simulator and embedder calls
 * are the cost of evaluating it, and are counted apart from the targets'.
 */
export type ModelRole = 'judge' | 'simulator' | 'embedder';

export interface ModelCallOptions {
  role: ModelRole;
  signal?: AbortSignal;
  /**
   * The call's content key: an answer cached under it is returned without calling, and a fresh
   * answer is cached under it (when the run's cache is on). Scoped by `role`.
   */
  cacheKey?: string;
  /** Only answers this accepts are cached (a judge keeps only verdicts it could read). */
  cacheIf?(answer: GenerateResponse): boolean;
}

export type EmbedCallOptions = Pick<ModelCallOptions, 'role' | 'signal'>;

/** An answer, and whether it came from the cache (no API was called). */
export type ModelAnswer = GenerateResponse & { cached?: boolean };

/** Vectors in input order, with the tokens the API counted when it said. */
export interface EmbedAnswer {
  vectors: ArrayLike<number>[];
  usage?: Usage;
}

/**
 * The one path every model call of a run takes (port; the runner implements it): per-endpoint
 * pools with the adaptive limit, retries of what a retry may cure (honouring Retry-After), the
 * response cache, and the run's count of tokens and cost by role. Evaluators, the judge and the
 * simulator are handed one in their input; they never retry or limit on their own.
 */
export interface ModelCaller {
  callModel(provider: Provider, request: GenerateRequest, options: ModelCallOptions): Promise<ModelAnswer>;
  /** Vectors are cached per text (keys `emb:<model>:<sha256>`): only texts not seen before are sent. */
  embed(provider: Provider, texts: string[], options: EmbedCallOptions): Promise<EmbedAnswer>;
}

/** `Provider.embed` may give bare vectors or vectors with usage: both read as an `EmbedAnswer`. */
export function toEmbedAnswer(raw: ArrayLike<number>[] | EmbedAnswer): EmbedAnswer {
  return Array.isArray(raw) ? { vectors: raw } : raw;
}

/**
 * Calls the provider once, as is: no pool, no retry, no cache, nothing counted. For evaluators
 * used outside a run (in a unit test, say); a run hands them its own caller.
 */
export const directModelCaller: ModelCaller = {
  callModel: (provider, request, options) =>
    provider.generate(request, options.signal ? { signal: options.signal } : {}),
  async embed(provider, texts, options) {
    if (!provider.embed) throw new Error(`${provider.id} has no embeddings API`);
    return toEmbedAnswer(await provider.embed(texts, options.signal ? { signal: options.signal } : {}));
  },
};
