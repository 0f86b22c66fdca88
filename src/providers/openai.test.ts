import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../test/fake-openai-server.js';
import type { AssayError } from '../core/errors.js';
import { createOpenAIProvider, parseChatCompletion } from './openai.js';
import { resolveProvider } from './registry.js';

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI({ rateLimit: { limitRequests: 100, remainingRequests: 7 } });
});
afterAll(() => server.close());

describe('OpenAI-compatible provider over HTTP', () => {
  it('posts model, messages, params and response_format; reads text, usage and rate-limit headers', async () => {
    const p = createOpenAIProvider({
      family: 'openai',
      model: 'm1',
      baseURL: `${server.baseURL}/`,
      apiKey: 'sk-x',
    });
    server.reset();
    const res = await p.generate({
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello there' },
      ],
      params: { temperature: 0.2, seed: 1 },
      json: true,
    });
    expect(res.text).toBe('Answer: hello there');
    expect(res.usage).toEqual({ inputTokens: 4, outputTokens: 3 });
    expect(res.rateLimit).toMatchObject({ limitRequests: 100, remainingRequests: 7 });
    const sent = server.requests[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe('Bearer sk-x');
    expect(sent.body).toEqual({
      model: 'm1',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello there' },
      ],
      temperature: 0.2,
      seed: 1,
      response_format: { type: 'json_object' },
    });
  });

  it('normalises tool calls, parsing their JSON arguments', async () => {
    server.script.push({
      content: null,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"city":"Paris"}' } },
        { id: 'call_2', type: 'function', function: { name: 'broken', arguments: '{not json' } },
      ],
    });
    const p = createOpenAIProvider({ family: 'openai', model: 'm', baseURL: server.baseURL });
    const res = await p.generate({
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function' }],
    });
    expect(res.text).toBe('');
    expect(res.toolCalls).toEqual([
      { id: 'call_1', name: 'lookup', arguments: { city: 'Paris' } },
      { id: 'call_2', name: 'broken', arguments: '{not json' },
    ]);
  });

  it('embeds texts in input order', async () => {
    const p = createOpenAIProvider({ family: 'openai', model: 'emb', baseURL: server.baseURL });
    const answer = await p.embed!(['the cat sat', 'quantum chromodynamics', 'the cat sat']);
    // The vectors, and the tokens the server counted.
    expect(Array.isArray(answer)).toBe(false);
    const { vectors, usage } = answer as { vectors: number[][]; usage?: { inputTokens: number } };
    expect(usage?.inputTokens).toBe(8);
    const [a, b, a2] = vectors;
    expect(a).toHaveLength(64);
    expect(a2).toEqual(a);
    expect(b).not.toEqual(a);
  });

  it('classifies errors: 429 and 5xx retryable with Retry-After, 4xx not', async () => {
    const p = createOpenAIProvider({ family: 'openai', model: 'm', baseURL: server.baseURL });
    const ask = () => p.generate({ messages: [{ role: 'user', content: 'x' }] });
    server.script.push(
      { status: 429, headers: { 'retry-after': '2' }, body: { error: { message: 'Rate limit reached' } } },
      { status: 503, headers: { 'retry-after-ms': '250' } },
      { status: 401, body: { error: { message: 'Incorrect API key provided' } } },
    );
    await expect(ask()).rejects.toMatchObject({
      code: 'provider.rate-limit',
      retryable: true,
      retryAfterMs: 2000,
      status: 429,
    });
    await expect(ask()).rejects.toMatchObject({ code: 'provider.http', retryable: true, retryAfterMs: 250 });
    const e = await ask().catch((error: AssayError) => error);
    expect(e).toMatchObject({ code: 'provider.http', retryable: false, status: 401 });
    expect((e as AssayError).message).toBe(
      `openai:m at ${server.baseURL} answered HTTP 401: Incorrect API key provided`,
    );
  });

  it('a body without choices is a provider.response error', () => {
    expect(() => parseChatCompletion({ object: 'error' }, 'x')).toThrow(/no choices\[0\]\.message/);
  });

  it('resolveProvider takes the key from <FAMILY>_API_KEY when the config has none', async () => {
    server.reset();
    const p = await resolveProvider(
      { provider: 'openai:m', baseURL: server.baseURL },
      { OPENAI_API_KEY: 'sk-env' },
    );
    await p.generate({ messages: [{ role: 'user', content: 'x' }] });
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-env');
    await expect(resolveProvider({ provider: 'nope:m' })).rejects.toMatchObject({ code: 'provider.unknown' });
    await expect(resolveProvider({ provider: 'openai' })).rejects.toThrow(/family:model/);
  });
});
