import type { Case } from '../core/case.js';
import { templateScope } from '../core/case.js';
import type { ChatMessage, Provider } from '../core/provider.js';
import type { PlannedCall, Target, TargetCallOptions } from '../core/target.js';
import { compileTemplate, type Render } from '../templates/render.js';
import { contentHash } from '../util/hash.js';

export type PromptSpec = string | { role: ChatMessage['role']; content: string }[];

export interface PromptTargetOptions {
  id: string;
  provider: Provider;
  prompt: PromptSpec;
  params?: Record<string, unknown>;
  /** Identifies the endpoint in cache keys and pools (the base URL); never a secret. */
  endpoint?: string;
  maxConcurrency?: number;
}

/** Compiles a prompt into a function from a case to chat messages. */
export function compilePrompt(prompt: PromptSpec): (scope: Record<string, unknown>) => ChatMessage[] {
  if (typeof prompt === 'string') {
    const render = compileTemplate(prompt, 'prompt');
    return (scope) => [{ role: 'user', content: render(scope) }];
  }
  const parts: { role: ChatMessage['role']; render: Render }[] = prompt.map((m, i) => ({
    role: m.role,
    render: compileTemplate(m.content, `prompt[${i}].content`),
  }));
  return (scope) => parts.map((p) => ({ role: p.role, content: p.render(scope) }));
}

/**
 * A model under a prompt. In a conversation, the prompt's system messages open it and the history
 * follows, so the model sees every earlier turn.
 */
export function createPromptTarget(options: PromptTargetOptions): Target {
  const render = compilePrompt(options.prompt);
  const { provider } = options;
  const params = options.params ?? {};
  const endpoint = options.endpoint ?? 'default';

  return {
    id: options.id,
    provider: provider.id,
    pool: `${provider.family}@${endpoint}`,
    ...(options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {}),
    describe: () => ({
      id: options.id,
      provider: provider.id,
      endpoint,
      params,
      promptHash: contentHash(options.prompt).slice(0, 16),
    }),
    plan(c: Case, callOptions: TargetCallOptions = {}): PlannedCall {
      const scope = templateScope(c);
      let messages = render(scope);
      if (callOptions.messages?.length) {
        messages = [...messages.filter((m) => m.role === 'system'), ...callOptions.messages];
      }
      return {
        cacheKey: () => contentHash({ provider: provider.id, endpoint, params, messages }),
        prompt: messages,
        async invoke(signal, timeoutMs) {
          const res = await provider.generate(
            { messages, params },
            { signal, ...(timeoutMs ? { timeoutMs } : {}) },
          );
          return {
            text: res.text,
            ...(res.toolCalls ? { toolCalls: res.toolCalls } : {}),
            ...(res.usage ? { usage: res.usage } : {}),
            ...(res.rateLimit ? { rateLimit: res.rateLimit } : {}),
            prompt: messages,
          };
        },
      };
    },
  };
}
