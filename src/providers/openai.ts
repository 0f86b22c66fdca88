import { AssayError } from '../core/errors.js';
import type { ToolCall } from '../core/output.js';
import type { GenerateRequest, GenerateResponse, Provider } from '../core/provider.js';
import { headerNumber, request, statusError } from './http-client.js';
import type { ProviderSettings } from './settings.js';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/**
 * Any OpenAI-compatible chat completions API: OpenAI, vLLM, Ollama, llama.cpp server, LM Studio, TGI…
 * `baseURL` points at the server's `/v1`.
 */
export function createOpenAIProvider(settings: ProviderSettings): Provider {
  const base = (settings.baseURL ?? OPENAI_BASE_URL).replace(/\/+$/, '');
  const headers: Record<string, string> = { ...settings.headers };
  if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
  const what = `${settings.family}:${settings.model} at ${base}`;

  return {
    id: `${settings.family}:${settings.model}`,
    family: settings.family,
    model: settings.model,
    endpoint: settings.baseURL ?? 'default',
    async generate(req: GenerateRequest, options = {}): Promise<GenerateResponse> {
      const body: Record<string, unknown> = { model: settings.model, messages: req.messages, ...req.params };
      if (req.json) body.response_format ??= { type: 'json_object' };
      if (req.tools) body.tools = req.tools;
      const res = await request({
        url: `${base}/chat/completions`,
        headers,
        body,
        ...((settings.timeoutMs ?? options.timeoutMs)
          ? { timeoutMs: settings.timeoutMs ?? options.timeoutMs }
          : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (res.status < 200 || res.status >= 300) throw statusError(res, what);
      return parseChatCompletion(res.body, what, {
        remainingRequests: headerNumber(res.headers, 'x-ratelimit-remaining-requests'),
        limitRequests: headerNumber(res.headers, 'x-ratelimit-limit-requests'),
        remainingTokens: headerNumber(res.headers, 'x-ratelimit-remaining-tokens'),
        limitTokens: headerNumber(res.headers, 'x-ratelimit-limit-tokens'),
      });
    },
    async embed(texts, options = {}) {
      const res = await request({
        url: `${base}/embeddings`,
        headers,
        body: { model: settings.model, input: texts },
        ...((settings.timeoutMs ?? options.timeoutMs)
          ? { timeoutMs: settings.timeoutMs ?? options.timeoutMs }
          : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (res.status < 200 || res.status >= 300) throw statusError(res, what);
      const body = res.body as {
        data?: { index?: number; embedding?: unknown }[];
        usage?: { prompt_tokens?: number };
      };
      const data = body?.data;
      if (!Array.isArray(data) || data.length !== texts.length) {
        throw new AssayError(
          'provider.response',
          `${what}: embeddings response has no "data" list of ${texts.length}`,
        );
      }
      const out: number[][] = new Array(texts.length);
      data.forEach((d, i) => {
        if (!Array.isArray(d.embedding))
          throw new AssayError('provider.response', `${what}: embedding ${i} is not a list`);
        out[d.index ?? i] = d.embedding as number[];
      });
      const tokens = body.usage?.prompt_tokens;
      return typeof tokens === 'number'
        ? { vectors: out, usage: { inputTokens: tokens, outputTokens: 0 } }
        : out;
    },
  };
}

interface ChatCompletion {
  choices?: { message?: { content?: string | null; tool_calls?: OpenAIToolCall[] } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

interface OpenAIToolCall {
  id?: string;
  function?: { name?: string; arguments?: string };
}

export function parseChatCompletion(
  body: unknown,
  what: string,
  rateLimit?: GenerateResponse['rateLimit'],
): GenerateResponse {
  const message = (body as ChatCompletion)?.choices?.[0]?.message;
  if (!message) throw new AssayError('provider.response', `${what}: response has no choices[0].message`);
  const usage = (body as ChatCompletion).usage;
  const out: GenerateResponse = { text: message.content ?? '', raw: body };
  if (message.tool_calls?.length) out.toolCalls = message.tool_calls.map(normalizeOpenAIToolCall);
  if (usage)
    out.usage = { inputTokens: usage.prompt_tokens ?? 0, outputTokens: usage.completion_tokens ?? 0 };
  if (rateLimit) out.rateLimit = rateLimit;
  return out;
}

export function normalizeOpenAIToolCall(call: OpenAIToolCall): ToolCall {
  let args: unknown = call.function?.arguments ?? {};
  if (typeof args === 'string') {
    try {
      args = JSON.parse(args);
    } catch {
      // Keep the raw text: a tool-call evaluator reports unparsable arguments itself.
    }
  }
  return { ...(call.id ? { id: call.id } : {}), name: call.function?.name ?? '', arguments: args };
}
