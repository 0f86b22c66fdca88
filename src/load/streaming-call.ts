import type { LoadedConfig } from '../config/load.js';
import { isFunctionTarget, isHttpTarget, type ModelTargetConfig } from '../config/schema.js';
import { AssayError } from '../core/errors.js';
import type { ChatMessage } from '../core/provider.js';
import type { Target } from '../core/target.js';
import { streamChatCompletion } from '../providers/openai-stream.js';
import { splitProvider } from '../providers/registry.js';
import { targetId } from '../targets/from-config.js';
import type { LoadCall } from './run-load.js';

/**
 * A load call that streams, for an `openai:` target: the messages are the target's own (its
 * prompt rendered for the case), sent with `stream: true`, so the time to the first token is seen.
 */
export function streamingCall(
  loaded: LoadedConfig,
  target: Target,
  env: Record<string, string | undefined>,
): { call: LoadCall; note: string } {
  const config = loaded.config.targets.find((t) => targetId(t) === target.id);
  if (!config || isFunctionTarget(config) || isHttpTarget(config)) {
    throw new AssayError(
      'input.invalid',
      `--stream needs a model target (openai:…); "${target.id}" is not one`,
    );
  }
  const t = config as ModelTargetConfig;
  const { family, model } = splitProvider(t.provider);
  if (family !== 'openai') {
    throw new AssayError(
      'input.invalid',
      `--stream is implemented for openai: targets only, not "${family}:"`,
    );
  }
  const apiKey = t.apiKey ?? env.OPENAI_API_KEY;
  const settings = {
    family,
    model,
    ...(t.baseURL ? { baseURL: t.baseURL } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(t.headers ? { headers: t.headers } : {}),
  };
  const messages = new Map<string, ChatMessage[]>();
  return {
    note: 'streamed with stream: true',
    call: async (c, signal, onFirstToken) => {
      let m = messages.get(c.id);
      if (!m) {
        m = target.plan(c).prompt as ChatMessage[];
        messages.set(c.id, m);
      }
      return streamChatCompletion(
        settings,
        { messages: m, ...(t.params ? { params: t.params } : {}) },
        {
          signal,
          onFirstToken,
        },
      );
    },
  };
}
