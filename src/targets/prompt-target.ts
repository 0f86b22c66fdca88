import type { Case } from '../core/case.js';
import { templateScope } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import type { ChatMessage, Provider } from '../core/provider.js';
import type { PlannedCall, Target, TargetCallOptions } from '../core/target.js';
import { compileTemplate, type Render } from '../templates/render.js';
import { contentHash } from '../util/hash.js';

export type PromptSpec = string | { role: ChatMessage['role']; content: string }[];

export interface PromptTargetOptions {
  id: string;
  provider: Provider;
  /** Optional when the target only holds conversations: the turns are the prompt. */
  prompt?: PromptSpec;
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

/** Only the system messages of a prompt: what opens a conversation. */
function compileSystem(prompt: PromptSpec | undefined): (scope: Record<string, unknown>) => ChatMessage[] {
  if (prompt === undefined || typeof prompt === 'string') return () => [];
  return compilePrompt(prompt.filter((m) => m.role === 'system'));
}

/**
 * A model under a prompt. In a conversation, the prompt's system messages (if any) open it and the
 * history follows, so the model sees every earlier turn; the prompt's user messages, written for
 * single-turn cases, are not rendered there. Without a prompt only conversations can run.
 */
export function createPromptTarget(options: PromptTargetOptions): Target {
  const render = options.prompt === undefined ? undefined : compilePrompt(options.prompt);
  const system = compileSystem(options.prompt);
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
      promptHash: options.prompt === undefined ? null : contentHash(options.prompt).slice(0, 16),
    }),
    plan(c: Case, callOptions: TargetCallOptions = {}): PlannedCall {
      const scope = templateScope(c);
      let messages: ChatMessage[];
      if (callOptions.messages?.length) messages = [...system(scope), ...callOptions.messages];
      else if (render) messages = render(scope);
      else {
        throw new AssayError(
          'config.invalid',
          `target "${options.id}" is a model with no prompt: case ${c.id} has no turns, so it needs one (top-level "prompt" or the target's own); conversations need none`,
        );
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
