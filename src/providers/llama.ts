import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AssayError } from '../core/errors.js';
import type { ChatMessage, GenerateRequest, GenerateResponse, Provider } from '../core/provider.js';
import { importOptional } from '../util/optional-package.js';
import type { ProviderSettings } from './settings.js';

// The parts of node-llama-cpp used here, typed locally: it is an optional package, absent from most
// installs, and Assay must type-check without it.
interface Sequence {
  clearHistory(): Promise<void>;
  tokenMeter: { usedInputTokens: number; usedOutputTokens: number };
}
type HistoryItem =
  | { type: 'system'; text: string }
  | { type: 'user'; text: string }
  | { type: 'model'; response: string[] };
interface ChatSession {
  setChatHistory(history: HistoryItem[]): void;
  prompt(text: string, options: Record<string, unknown>): Promise<string>;
  dispose(options?: { disposeSequence?: boolean }): void;
}
interface LlamaModule {
  getLlama(options: { gpu: unknown; build: 'never' }): Promise<{
    loadModel(options: { modelPath: string; gpuLayers?: unknown }): Promise<Model>;
  }>;
  LlamaChatSession: new (options: { contextSequence: Sequence }) => ChatSession;
}
interface Model {
  createContext(options: { contextSize?: number; threads?: number; sequences: number }): Promise<{
    getSequence(): Sequence;
  }>;
  createEmbeddingContext(options: { contextSize?: number; threads?: number }): Promise<{
    getEmbeddingFor(text: string): Promise<{ vector: readonly number[] }>;
  }>;
}

/** What loading a model takes, from the target's `params` (read on the first call). */
interface LoadOptions {
  threads?: number;
  contextSize?: number;
  gpu: unknown;
}

const LOAD_PARAMS = ['threads', 'contextSize', 'gpu', 'seed'];
const DEFAULT_MAX_TOKENS = 256;

/**
 * A local GGUF model through node-llama-cpp (an optional package: `npm install node-llama-cpp@3.21.1`),
 * `llama:./models/qwen2.5-0.5b-instruct-q4_k_m.gguf`. CPU by default and the GPU when one is there
 * (`gpu: false` keeps to the CPU); the chat template is the model's own. Params: `threads`,
 * `contextSize` (default: fitted to the model), `seed`, and the usual `temperature` (default 0), `max_tokens`,
 * `top_p`, `top_k`. Calls to one model run one at a time: a context holds one conversation. Its
 * calls cost nothing (price 0), and `embed` makes it an embedder too.
 */
export function createLlamaProvider(settings: ProviderSettings): Provider {
  const modelPath = resolve(settings.baseDir ?? process.cwd(), settings.model);
  const what = `llama:${settings.model}`;
  let model: Promise<{ lib: LlamaModule; model: Model; options: LoadOptions }> | undefined;
  let chat: Promise<Sequence> | undefined;
  let embedder: Promise<Awaited<ReturnType<Model['createEmbeddingContext']>>> | undefined;
  // One call at a time on the one context: each waits for the one before it.
  let queue: Promise<unknown> = Promise.resolve();

  const load = (params: Record<string, unknown>) => {
    model ??= (async () => {
      if (!existsSync(modelPath))
        throw new AssayError('config.invalid', `${what}: model file not found: ${modelPath}`);
      const lib = await importOptional(
        'node-llama-cpp',
        () => import('node-llama-cpp' as string) as Promise<LlamaModule>,
      );
      const options: LoadOptions = {
        // Unset: node-llama-cpp's default (all cores). On a small shared machine, `threads: 1`.
        ...(typeof params.threads === 'number' ? { threads: params.threads } : {}),
        // Unset: node-llama-cpp fits it to the model's training context and the memory there is.
        ...(typeof params.contextSize === 'number' ? { contextSize: params.contextSize } : {}),
        gpu: params.gpu === undefined ? 'auto' : params.gpu,
      };
      // build: 'never' — use the prebuilt binaries only: compiling llama.cpp is not Assay's to start.
      const llama = await lib.getLlama({ gpu: options.gpu, build: 'never' });
      return { lib, model: await llama.loadModel({ modelPath }), options };
    })().catch((error: unknown) => {
      model = undefined;
      throw loadError(error, what);
    });
    return model;
  };

  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    id: `${settings.family}:${settings.model}`,
    family: settings.family,
    model: settings.model,
    endpoint: `local:${modelPath}`,
    price: { input: 0, output: 0 },
    async generate(req: GenerateRequest, options = {}): Promise<GenerateResponse> {
      const params = req.params ?? {};
      const loaded = await load(params);
      const timeoutMs = settings.timeoutMs ?? options.timeoutMs;
      return serial(async () => {
        chat ??= loaded.model
          .createContext({ ...withoutGpu(loaded.options), sequences: 1 })
          .then((c) => c.getSequence());
        const sequence = await chat;
        await sequence.clearHistory();
        // The meter's counts are getters: read them now, not a copy of the object.
        const before = {
          usedInputTokens: sequence.tokenMeter.usedInputTokens,
          usedOutputTokens: sequence.tokenMeter.usedOutputTokens,
        };
        const { history, last } = toHistory(req.messages);
        const session = new loaded.lib.LlamaChatSession({ contextSequence: sequence });
        const signals = [options.signal, timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined].filter(
          (s): s is AbortSignal => s !== undefined,
        );
        try {
          session.setChatHistory(history);
          const text = await session.prompt(last, {
            ...sampling(params),
            ...(signals.length ? { signal: AbortSignal.any(signals) } : {}),
          });
          const usage = {
            inputTokens: sequence.tokenMeter.usedInputTokens - before.usedInputTokens,
            outputTokens: sequence.tokenMeter.usedOutputTokens - before.usedOutputTokens,
          };
          return { text, usage, raw: { model: settings.model, text, usage } };
        } catch (error) {
          if (options.signal?.aborted) throw error;
          if (signals.some((s) => s.aborted))
            throw new AssayError('provider.timeout', `${what}: no answer within ${timeoutMs} ms`, {
              retryable: true,
              cause: error,
            });
          throw new AssayError('provider.response', `${what}: ${(error as Error).message}`, { cause: error });
        } finally {
          session.dispose({ disposeSequence: false });
        }
      });
    },
    async embed(texts: string[]) {
      const loaded = await load({});
      embedder ??= loaded.model.createEmbeddingContext(withoutGpu(loaded.options));
      const context = await embedder;
      return serial(async () => {
        const out: number[][] = [];
        for (const t of texts) out.push([...(await context.getEmbeddingFor(t)).vector]);
        return out;
      });
    },
  };
}

/** The conversation before the last user message, as node-llama-cpp's chat history, and that message. */
function toHistory(messages: ChatMessage[]): { history: HistoryItem[]; last: string } {
  const lastUser = messages.map((m) => m.role).lastIndexOf('user');
  const history: HistoryItem[] = messages
    .slice(0, Math.max(0, lastUser))
    .map((m) =>
      m.role === 'system'
        ? { type: 'system', text: m.content }
        : m.role === 'assistant'
          ? { type: 'model', response: [m.content] }
          : { type: 'user', text: m.content },
    );
  return { history, last: lastUser >= 0 ? messages[lastUser]!.content : '' };
}

/** The request's sampling params in node-llama-cpp's names; temperature 0 (greedy) unless given. */
function sampling(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    temperature: typeof params.temperature === 'number' ? params.temperature : 0,
    maxTokens: typeof params.max_tokens === 'number' ? params.max_tokens : DEFAULT_MAX_TOKENS,
  };
  if (typeof params.top_p === 'number') out.topP = params.top_p;
  if (typeof params.top_k === 'number') out.topK = params.top_k;
  if (typeof params.seed === 'number') out.seed = params.seed;
  for (const key of Object.keys(params)) {
    if (!['temperature', 'max_tokens', 'top_p', 'top_k', ...LOAD_PARAMS].includes(key))
      throw new AssayError('config.invalid', `llama: unknown param "${key}"`, { field: `params.${key}` });
  }
  return out;
}

function withoutGpu({ gpu: _, ...sizes }: LoadOptions): Omit<LoadOptions, 'gpu'> {
  return sizes;
}

function loadError(error: unknown, what: string): AssayError {
  if (error instanceof AssayError) return error;
  return new AssayError('provider.response', `${what}: cannot load the model: ${(error as Error).message}`, {
    cause: error,
  });
}
