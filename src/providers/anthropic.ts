import { AssayError } from '../core/errors.js';
import type { ChatMessage, GenerateRequest, GenerateResponse, Provider } from '../core/provider.js';
import { headerNumber, request, statusError } from './http-client.js';
import type { ProviderSettings } from './settings.js';

export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com/v1';
const DEFAULT_MAX_TOKENS = 1024;

/** Anthropic's Messages API. System messages are lifted into `system`, as the API wants. */
export function createAnthropicProvider(settings: ProviderSettings): Provider {
  const base = (settings.baseURL ?? ANTHROPIC_BASE_URL).replace(/\/+$/, '');
  const headers: Record<string, string> = { 'anthropic-version': '2023-06-01', ...settings.headers };
  if (settings.apiKey) headers['x-api-key'] = settings.apiKey;
  const what = `anthropic:${settings.model} at ${base}`;

  return {
    id: `${settings.family}:${settings.model}`,
    family: settings.family,
    model: settings.model,
    endpoint: settings.baseURL ?? 'default',
    async generate(req: GenerateRequest, options = {}): Promise<GenerateResponse> {
      const { system, messages } = splitSystem(req.messages);
      const body: Record<string, unknown> = {
        model: settings.model,
        max_tokens: DEFAULT_MAX_TOKENS,
        messages,
        ...req.params,
      };
      if (system) body.system = system;
      if (req.tools) body.tools = req.tools;
      const res = await request({
        url: `${base}/messages`,
        headers,
        body,
        ...((settings.timeoutMs ?? options.timeoutMs)
          ? { timeoutMs: settings.timeoutMs ?? options.timeoutMs }
          : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (res.status < 200 || res.status >= 300) throw statusError(res, what);
      const out = parseMessage(res.body, what);
      out.rateLimit = {
        remainingRequests: headerNumber(res.headers, 'anthropic-ratelimit-requests-remaining'),
        limitRequests: headerNumber(res.headers, 'anthropic-ratelimit-requests-limit'),
      };
      return out;
    },
  };
}

function splitSystem(messages: ChatMessage[]): {
  system?: string;
  messages: { role: string; content: string }[];
} {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  return {
    ...(system.length ? { system: system.join('\n\n') } : {}),
    messages: messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role, content: m.content })),
  };
}

interface AnthropicMessage {
  content?: { type: string; text?: string; id?: string; name?: string; input?: unknown }[];
  usage?: { input_tokens?: number; output_tokens?: number };
}

export function parseMessage(body: unknown, what: string): GenerateResponse {
  const m = body as AnthropicMessage;
  if (!Array.isArray(m?.content))
    throw new AssayError('provider.response', `${what}: response has no content list`);
  const text = m.content
    .filter((b) => b.type === 'text')
    .map((b) => b.text ?? '')
    .join('');
  const tools = m.content.filter((b) => b.type === 'tool_use');
  const out: GenerateResponse = { text, raw: body };
  if (tools.length)
    out.toolCalls = tools.map((b) => ({
      ...(b.id ? { id: b.id } : {}),
      name: b.name ?? '',
      arguments: b.input ?? {},
    }));
  if (m.usage)
    out.usage = { inputTokens: m.usage.input_tokens ?? 0, outputTokens: m.usage.output_tokens ?? 0 };
  return out;
}
