import { AssayError } from '../core/errors.js';
import { directModelCaller, type ModelCaller } from '../core/model-call.js';
import { resolveProvider } from '../providers/registry.js';
import { batchTexts } from './batch.js';
import { type EmbedderSpec, toObjectSpec } from './spec.js';
import { normalize, type Vector } from './vector.js';

/**
 * Turns texts into unit-length vectors, in input order. `id` names the model (and the server, when it
 * is not the default one): vectors of different ids are never compared or cached together.
 */
export interface Embedder {
  id: string;
  embed(texts: string[], options?: EmbedOptions): Promise<Vector[]>;
  /**
   * Loads what the first `embed` would otherwise load (the local embedder's vectors), for a server
   * to call at start rather than on its first request. Absent where there is nothing to load.
   */
  ready?(): Promise<void>;
}

export interface EmbedOptions {
  signal?: AbortSignal;
  /**
   * The run's model-call path: a remote embedder's requests take the run's pools and retries, and
   * their tokens are counted. Without one, the API is called directly.
   */
  models?: ModelCaller;
}

/** Texts per request to a remote embeddings API when the config does not say. */
export const DEFAULT_REMOTE_BATCH = 64;

/**
 * Builds the embedder a spec names: `local` (offline word vectors, see `local.ts`) or any provider
 * with an `embed` method, such as `openai:<model>` against an OpenAI-compatible `/v1/embeddings`
 * (OpenAI, vLLM, Ollama, TEI, llama.cpp server). An API key not in the spec is read from `env` the
 * way target providers read it (`OPENAI_API_KEY`).
 *
 * @example const e = await createEmbedder('openai:text-embedding-3-small', process.env)
 */
export async function createEmbedder(
  spec: EmbedderSpec,
  env: Record<string, string | undefined> = {},
): Promise<Embedder> {
  const o = toObjectSpec(spec);
  if (o.provider === 'local') {
    const { createLocalEmbedder } = await import('./local.js');
    return createLocalEmbedder();
  }
  const provider = await resolveProvider(
    {
      provider: o.provider,
      ...(o.baseURL ? { baseURL: o.baseURL } : {}),
      ...(o.apiKey ? { apiKey: o.apiKey } : {}),
      ...(o.headers ? { headers: o.headers } : {}),
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    },
    env,
  );
  if (!provider.embed) {
    throw new AssayError('provider.unknown', `provider "${o.provider}" has no embeddings API`, {
      field: 'embedder',
    });
  }
  const batchSize = o.batchSize ?? DEFAULT_REMOTE_BATCH;
  return {
    id: o.baseURL ? `${provider.id}@${o.baseURL.replace(/\/+$/, '')}` : provider.id,
    async embed(texts, options = {}) {
      const models = options.models ?? directModelCaller;
      const call = { role: 'embedder' as const, ...(options.signal ? { signal: options.signal } : {}) };
      const vectors = await batchTexts(
        texts,
        batchSize,
        async (part) => (await models.embed(provider, part, call)).vectors,
      );
      return vectors.map((v, i) => {
        if (!Array.from(v).every((x) => typeof x === 'number' && Number.isFinite(x))) {
          throw new AssayError('provider.response', `${provider.id}: embedding ${i} has a non-number`);
        }
        return normalize(v);
      });
    },
  };
}
