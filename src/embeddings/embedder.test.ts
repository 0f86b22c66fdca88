import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder } from './embedder.js';
import { createEmbeddingService } from './service.js';
import { embedderSpecSchema } from './spec.js';

/** An OpenAI-shaped /v1/embeddings on 127.0.0.1 that returns un-normalised vectors [len, 1, 0]. */
let server: http.Server;
let baseURL: string;
const requests: { inputs: string[]; auth: string | undefined; model: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const parsed = JSON.parse(body) as { input: string[]; model: string };
      requests.push({ inputs: parsed.input, auth: req.headers.authorization, model: parsed.model });
      if (parsed.model === 'broken') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ data: [] }));
      }
      // Answer out of order, with `index`, as the API allows.
      const data = parsed.input.map((t, index) => ({ index, embedding: [t.length, 1, 0] })).reverse();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('createEmbedder (OpenAI-compatible /v1/embeddings)', () => {
  it('normalises vectors, keeps input order, batches by batchSize, sends the key from env', async () => {
    requests.length = 0;
    const e = await createEmbedder(
      { provider: 'openai:emb-model', baseURL, batchSize: 2 },
      { OPENAI_API_KEY: 'sk-env' },
    );
    const out = await e.embed(['abc', 'abcd', 'a', 'ab', 'abcde']);
    expect(requests.map((r) => r.inputs)).toEqual([['abc', 'abcd'], ['a', 'ab'], ['abcde']]);
    expect(requests.every((r) => r.auth === 'Bearer sk-env' && r.model === 'emb-model')).toBe(true);
    expect(Array.from(out[0]!)).toEqual(
      Array.from(Float32Array.from([3 / Math.sqrt(10), 1 / Math.sqrt(10), 0])),
    );
    expect(out.map((v) => Math.hypot(...v))).toEqual(out.map(() => expect.closeTo(1, 6)));
    expect(e.id).toBe(`openai:emb-model@${baseURL}`);
  });

  it('prefers the spec key to the environment one, and defaults to 64 texts a request', async () => {
    requests.length = 0;
    const e = await createEmbedder(
      { provider: 'openai:m', baseURL, apiKey: 'sk-spec' },
      { OPENAI_API_KEY: 'sk-env' },
    );
    await e.embed(Array.from({ length: 130 }, (_, i) => `t${i}`));
    expect(requests.map((r) => r.inputs.length)).toEqual([64, 64, 2]);
    expect(requests[0]!.auth).toBe('Bearer sk-spec');
  });

  it('reports a malformed response as a provider error', async () => {
    const e = await createEmbedder({ provider: 'openai:broken', baseURL });
    await expect(e.embed(['x'])).rejects.toMatchObject({ code: 'provider.response' });
  });

  it('refuses a provider without an embeddings API, and an unknown family', async () => {
    await expect(createEmbedder('anthropic:claude-x')).rejects.toThrow(/has no embeddings API/);
    await expect(createEmbedder('nosuch:model')).rejects.toThrow(/unknown provider family "nosuch"/);
  });
});

describe('embedder specs', () => {
  it('accepts local, a provider string and a target-like object; refuses the rest', () => {
    expect(embedderSpecSchema.safeParse('local').success).toBe(true);
    expect(embedderSpecSchema.safeParse('openai:text-embedding-3-small').success).toBe(true);
    expect(
      embedderSpecSchema.safeParse({ provider: 'openai:m', baseURL: 'http://127.0.0.1:1/v1', batchSize: 8 })
        .success,
    ).toBe(true);
    expect(embedderSpecSchema.safeParse('glove').success).toBe(false);
    expect(embedderSpecSchema.safeParse({ provider: 'openai:m', model: 'x' }).success).toBe(false);
    expect(embedderSpecSchema.safeParse({ provider: 'openai:m', batchSize: 0 }).success).toBe(false);
  });
});

describe('createEmbeddingService', () => {
  it('shares one embedder per spec, uses the default spec, and caches vectors', async () => {
    requests.length = 0;
    const service = createEmbeddingService({ defaultSpec: { provider: 'openai:svc', baseURL } });
    const a = await service.embedder();
    const b = await service.embedder({ provider: 'openai:svc', baseURL });
    expect(a).toBe(b);
    await a.embed(['one', 'two']);
    await b.embed(['two', 'three']);
    expect(requests.map((r) => r.inputs)).toEqual([['one', 'two'], ['three']]);
    expect((await service.embedder('local')).id).toMatch(/^local:/);
  });
});
