import { AssayError } from '../core/errors.js';
import type { Provider } from '../core/provider.js';
import type { ProviderSettings } from './settings.js';

type Factory = (settings: ProviderSettings) => Provider;

/** Provider families, loaded on first use. `openai` is any OpenAI-compatible server. */
const FAMILIES = {
  openai: async () => (await import('./openai.js')).createOpenAIProvider,
  anthropic: async () => (await import('./anthropic.js')).createAnthropicProvider,
  llama: async () => (await import('./llama.js')).createLlamaProvider,
} satisfies Record<string, () => Promise<Factory>>;

const extra = new Map<string, () => Promise<Factory>>();

/** Adds a provider family (`myapi:model`), through the same path the built-ins use. */
export function registerProvider(family: string, load: () => Promise<Factory> | Factory): void {
  extra.set(family, async () => load());
}

export function splitProvider(spec: string): { family: string; model: string } {
  const i = spec.indexOf(':');
  if (i <= 0 || i === spec.length - 1) {
    throw new AssayError('provider.unknown', `expected "family:model", got "${spec}"`);
  }
  return { family: spec.slice(0, i), model: spec.slice(i + 1) };
}

export interface ProviderSpec {
  provider: string;
  baseURL?: string;
  apiKey?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  baseDir?: string;
}

/**
 * Resolves `family:model` into a provider. An API key not given in the config is taken from
 * `<FAMILY>_API_KEY` in `env`, which the caller reads once at the edge.
 */
export async function resolveProvider(
  spec: ProviderSpec,
  env: Record<string, string | undefined> = {},
): Promise<Provider> {
  const { family, model } = splitProvider(spec.provider);
  const load = extra.get(family) ?? FAMILIES[family as keyof typeof FAMILIES];
  if (!load) {
    const known = [...Object.keys(FAMILIES), ...extra.keys()].join(', ');
    throw new AssayError('provider.unknown', `unknown provider family "${family}" (known: ${known})`);
  }
  const factory = await load();
  const apiKey = spec.apiKey ?? env[`${family.toUpperCase().replace(/-/g, '_')}_API_KEY`];
  return factory({
    family,
    model,
    ...(spec.baseURL ? { baseURL: spec.baseURL } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(spec.headers ? { headers: spec.headers } : {}),
    ...(spec.timeoutMs ? { timeoutMs: spec.timeoutMs } : {}),
    ...(spec.baseDir ? { baseDir: spec.baseDir } : {}),
  });
}
