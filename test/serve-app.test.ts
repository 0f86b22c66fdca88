import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceStore } from '../src/core/trace-store.js';
import { createApiKey } from '../src/monitor/api-keys.js';
import { IngestQueue } from '../src/monitor/ingest-queue.js';
import { createApp } from '../src/server/app.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { traceStoreOn } from '../src/store/trace-store.js';
import { decodeOtlpResponse, gzip, hex, otlpJson, otlpProtobuf, type TestSpan } from './helpers/otlp.js';
import { until } from './helpers/until.js';

let store: TraceStore;
let app: ReturnType<typeof createApp>;
let keyA: string;
let keyB: string;

beforeAll(async () => {
  store = traceStoreOn(await openSqliteStore(':memory:'));
  keyA = (await createApiKey(store, 'alpha')).token;
  keyB = (await createApiKey(store, 'beta')).token;
  const queue = new IngestQueue((b) => store.writeIngest(b));
  app = createApp({ store, queue, maxBodyBytes: 64 * 1024 });
});
afterAll(() => store.close());

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

function post(path: string, body: string | Uint8Array, headers: Record<string, string>) {
  return app.request(path, { method: 'POST', body, headers });
}

const llmSpan = (t: number, s: number, extra: Partial<TestSpan> = {}): TestSpan => ({
  traceId: hex(t, 16),
  spanId: hex(s, 8),
  name: 'chat gpt-4o',
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.usage.input_tokens': 12,
    'gen_ai.usage.output_tokens': 7,
    'gen_ai.input.messages': JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: 'Capital of France?' }] },
    ]),
    'gen_ai.output.messages': JSON.stringify([
      { role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }], finish_reason: 'stop' },
    ]),
    'app.custom': 'kept',
  },
  ...extra,
});

describe('health', () => {
  it('/healthz and /readyz answer without a key', async () => {
    expect((await app.request('/healthz')).status).toBe(200);
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { status: string }).status).toBe('ready');
  });
});

describe('auth', () => {
  it('no key, a wrong key and a revoked key are 401 with a JSON reason', async () => {
    const none = await app.request('/api/v1/traces');
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(
      /API key is required/,
    );
    expect((await app.request('/api/v1/traces', { headers: auth('assay_wrong') })).status).toBe(401);
    expect(
      (await app.request('/v1/traces', { method: 'POST', headers: { 'x-api-key': 'nope' } })).status,
    ).toBe(401);
    const { token, key } = await createApiKey(store, 'alpha');
    expect((await app.request('/api/v1/traces', { headers: auth(token) })).status).toBe(200);
    await store.revokeApiKey(key.id, new Date().toISOString());
    const revoked = await app.request('/api/v1/traces', { headers: { 'x-api-key': token } });
    expect(revoked.status).toBe(401);
    expect(JSON.stringify(await revoked.json())).not.toContain(token);
  });

  it('x-api-key works like Authorization: Bearer', async () => {
    expect((await app.request('/api/v1/traces', { headers: { 'x-api-key': keyA } })).status).toBe(200);
  });

  it("a key reads its own project only: another project's trace is 404", async () => {
    const res = await post('/v1/traces', JSON.stringify(otlpJson([llmSpan(0xabc, 1)])), {
      ...auth(keyA),
      'content-type': 'application/json',
    });
    expect(res.status).toBe(200);
    const id = hex(0xabc, 16);
    expect((await app.request(`/api/v1/traces/${id}`, { headers: auth(keyA) })).status).toBe(200);
    expect((await app.request(`/api/v1/traces/${id}`, { headers: auth(keyB) })).status).toBe(404);
    const list = (await (await app.request('/api/v1/traces', { headers: auth(keyB) })).json()) as {
      traces: unknown[];
    };
    expect(list.traces).toEqual([]);
  });
});

describe('POST /v1/traces', () => {
  it('takes OTLP JSON and answers an empty ExportTraceServiceResponse once stored', async () => {
    const res = await post(
      '/v1/traces',
      JSON.stringify(otlpJson([llmSpan(1, 1), llmSpan(1, 2, { parentSpanId: hex(1, 8), name: 'tool' })])),
      {
        ...auth(keyA),
        'content-type': 'application/json',
      },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const trace = (await (
      await app.request(`/api/v1/traces/${hex(1, 16)}`, { headers: auth(keyA) })
    ).json()) as {
      spans: {
        spanId: string;
        parentSpanId: string;
        model: string;
        provider: string;
        inputText: string;
        outputText: string;
        usage: unknown;
        attributes: Record<string, unknown>;
      }[];
    };
    expect(trace.spans).toHaveLength(2);
    const first = trace.spans.find((s) => s.spanId === hex(1, 8))!;
    expect([first.model, first.provider, first.inputText, first.outputText]).toEqual([
      'gpt-4o',
      'openai',
      'Capital of France?',
      'Paris.',
    ]);
    expect(first.usage).toEqual({ inputTokens: 12, outputTokens: 7, totalTokens: 19 });
    expect(first.attributes['app.custom']).toBe('kept');
    expect(first.attributes['service.name']).toBe('test-app');
    expect(trace.spans.find((s) => s.spanId === hex(2, 8))!.parentSpanId).toBe(hex(1, 8));
  });

  it('takes OTLP protobuf, gzipped, and answers in protobuf', async () => {
    const res = await post('/v1/traces', gzip(otlpProtobuf([llmSpan(2, 1)])), {
      ...auth(keyA),
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeOtlpResponse(new Uint8Array(await res.arrayBuffer())).partialSuccess).toBeUndefined();
    const trace = (await (
      await app.request(`/api/v1/traces/${hex(2, 16)}`, { headers: auth(keyA) })
    ).json()) as { spans: { outputText: string }[] };
    expect(trace.spans[0]!.outputText).toBe('Paris.');
  });

  it('counts spans it refuses in partialSuccess and keeps the rest', async () => {
    const bad = { ...llmSpan(3, 2), traceId: '00000000000000000000000000000000' };
    const res = await post('/v1/traces', otlpProtobuf([llmSpan(3, 1), bad]), {
      ...auth(keyA),
      'content-type': 'application/x-protobuf',
    });
    expect(res.status).toBe(200);
    const partial = decodeOtlpResponse(new Uint8Array(await res.arrayBuffer())).partialSuccess!;
    expect(Number(partial.rejectedSpans)).toBe(1);
    expect(partial.errorMessage).toMatch(/traceId/);
    const json = await post('/v1/traces', JSON.stringify(otlpJson([bad])), {
      ...auth(keyA),
      'content-type': 'application/json',
    });
    expect(await json.json()).toEqual({
      partialSuccess: { rejectedSpans: '1', errorMessage: expect.stringMatching(/traceId/) },
    });
  });

  it('malformed bodies are 400 with the reason; wrong types 415; too large 413', async () => {
    const headers = { ...auth(keyA), 'content-type': 'application/json' };
    const notJson = await post('/v1/traces', '{nope', headers);
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toMatch(/not JSON/);
    const notProto = await post('/v1/traces', new Uint8Array([0xff, 0xff, 0xff, 0xff]), {
      ...auth(keyA),
      'content-type': 'application/x-protobuf',
    });
    expect(notProto.status).toBe(400);
    expect((await post('/v1/traces', 'x', { ...auth(keyA), 'content-type': 'text/plain' })).status).toBe(415);
    const badGzip = await post('/v1/traces', 'not gzip', { ...headers, 'content-encoding': 'gzip' });
    expect(badGzip.status).toBe(400);
    const big = JSON.stringify(
      otlpJson([llmSpan(4, 1, { attributes: { 'input.value': 'x'.repeat(70 * 1024) } })]),
    );
    expect((await post('/v1/traces', big, headers)).status).toBe(413);
    // A small gzip that inflates past the limit is too large as well.
    expect((await post('/v1/traces', gzip(big), { ...headers, 'content-encoding': 'gzip' })).status).toBe(
      413,
    );
  });
});

describe('POST /api/v1/ingest', () => {
  const event = {
    type: 'generation',
    id: 'gen-1',
    traceId: 'native-trace-1',
    sessionId: 'sess-9',
    userId: 'u-1',
    timestamp: '2025-01-02T03:04:05.000Z',
    model: 'gpt-4o-mini',
    provider: 'openai',
    input: [{ role: 'user', content: 'Where is my order?' }],
    output: 'It ships tomorrow.',
    contexts: ['Orders ship within 2 days.'],
    latencyMs: 850,
    usage: { inputTokens: 20, outputTokens: 6 },
    tags: { segment: 'enterprise' },
    metadata: { release: 'v2' },
  };

  it('stores a past-dated generation once, however often it is sent', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await post('/api/v1/ingest', JSON.stringify({ events: [event] }), {
        ...auth(keyA),
        'content-type': 'application/json',
      });
      expect(res.status).toBe(200);
    }
    const trace = (await (
      await app.request('/api/v1/traces/native-trace-1', { headers: auth(keyA) })
    ).json()) as Record<string, unknown> & {
      spans: Record<string, unknown>[];
    };
    expect(trace.spanCount).toBe(1);
    // 20 × $0.15 + 6 × $0.60 per million tokens, without the float noise of the sum (…99999995).
    expect(trace.costUsd).toBe(0.0000066);
    expect(trace.spans[0]!.costUsd).toBe(0.0000066);
    expect(trace.startTime).toBe('2025-01-02T03:04:05.000Z');
    expect(trace.segment).toBe('enterprise');
    expect(trace.spans[0]).toMatchObject({
      model: 'gpt-4o-mini',
      inputText: 'Where is my order?',
      outputText: 'It ships tomorrow.',
      durationMs: 850,
      contexts: [{ content: 'Orders ship within 2 days.' }],
      attributes: { release: 'v2' },
    });
    const since = await app.request(
      '/api/v1/traces?from=2025-01-01T00:00:00Z&to=2025-01-03T00:00:00Z&sessionId=sess-9',
      {
        headers: auth(keyA),
      },
    );
    expect(((await since.json()) as { traces: { traceId: string }[] }).traces.map((t) => t.traceId)).toEqual([
      'native-trace-1',
    ]);
  });

  it('a bad event is 400 naming the field', async () => {
    const res = await post('/api/v1/ingest', JSON.stringify({ events: [event, { ...event, model: 3 }] }), {
      ...auth(keyA),
      'content-type': 'application/json',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { field: 'events[1].model' } });
    expect((await app.request('/api/v1/traces?limit=0', { headers: auth(keyA) })).status).toBe(400);
    expect((await app.request('/api/v1/traces?cursor=zzz', { headers: auth(keyA) })).status).toBe(400);
  });
});

describe('overload', () => {
  it('a full queue answers 503 with Retry-After, and what was acknowledged is stored', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    // The store is real; only its first commit is held back, so the queue fills up behind it.
    const queue = new IngestQueue(
      async (b) => {
        await gate;
        return store.writeIngest(b);
      },
      { capacity: 3 },
    );
    const slow = createApp({ store, queue });
    const send = (i: number, spans: number) =>
      slow.request('/v1/traces', {
        method: 'POST',
        body: JSON.stringify(otlpJson(Array.from({ length: spans }, (_, s) => llmSpan(100 + i, s + 1)))),
        headers: { ...auth(keyA), 'content-type': 'application/json' },
      });
    const depth = (n: number) => until(`${n} records queued`, async () => queue.stats().depth >= n, 10_000);
    // 2 records in the held commit, then 1 more: the queue holds its capacity, 3.
    const first = send(0, 2);
    await depth(2);
    const second = send(1, 1);
    await depth(3);
    const refused = await send(2, 1);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ error: { code: 'overloaded' } });
    release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    const project = (await store.projectByName('alpha'))!.id;
    expect((await store.getTrace(project, hex(100, 16)))?.spanCount).toBe(2);
    expect((await store.getTrace(project, hex(101, 16)))?.spanCount).toBe(1);
    expect(await store.getTrace(project, hex(102, 16))).toBeUndefined();
  });

  it('requests admitted past maxActive wait with their bodies unread, then are acknowledged', async () => {
    const queue = new IngestQueue((b) => store.writeIngest(b), { maxActive: 1 });
    const gated = createApp({ store, queue });
    const bodyOf = (i: number) => new TextEncoder().encode(JSON.stringify(otlpJson([llmSpan(200 + i, 1)])));
    // The first body is sent in two parts, the second part held back: it keeps the only turn.
    let finishFirst: () => void = () => {};
    const secondPart = new Promise<void>((r) => {
      finishFirst = r;
    });
    const first = bodyOf(0);
    const firstStream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(first.subarray(0, 10));
        await secondPart;
        controller.enqueue(first.subarray(10));
        controller.close();
      },
    });
    // The second body records when it is first read (highWaterMark 0: nothing is pulled ahead).
    let secondRead = false;
    const second = bodyOf(1);
    const secondStream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          secondRead = true;
          controller.enqueue(second);
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const send = (body: ReadableStream<Uint8Array>) =>
      gated.request(
        new Request('http://assay.test/v1/traces', {
          method: 'POST',
          body,
          headers: { ...auth(keyA), 'content-type': 'application/json' },
          duplex: 'half',
        } as RequestInit),
      );
    const a = send(firstStream);
    // Admitted, the first takes the only turn before the second is sent.
    await until('the first request admitted', async () => queue.stats().requests === 1, 10_000);
    const b = send(secondStream);
    await new Promise((r) => setTimeout(r, 100));
    expect(secondRead).toBe(false);
    finishFirst();
    expect((await a).status).toBe(200);
    expect((await b).status).toBe(200);
    expect(secondRead).toBe(true);
    const project = (await store.projectByName('alpha'))!.id;
    for (const i of [0, 1]) expect((await store.getTrace(project, hex(200 + i, 16)))?.spanCount).toBe(1);
  });

  it('a body that stalls past bodyTimeoutMs is 408 with a reason, and its turn goes to the next request', async () => {
    const queue = new IngestQueue((b) => store.writeIngest(b), { maxActive: 1 });
    const gated = createApp({ store, queue, bodyTimeoutMs: 200 });
    const headers = { ...auth(keyA), 'content-type': 'application/json' };
    // Ten bytes, then nothing more, ever.
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"resourc'));
      },
    });
    const t0 = performance.now();
    const late = gated.request(
      new Request('http://assay.test/v1/traces', {
        method: 'POST',
        body: stalled,
        headers,
        duplex: 'half',
      } as RequestInit),
    );
    const next = gated.request('/v1/traces', {
      method: 'POST',
      body: JSON.stringify(otlpJson([llmSpan(300, 1)])),
      headers,
    });
    const answer = await late;
    expect(answer.status).toBe(408);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('timeout');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    expect((await next).status).toBe(200);
    const project = (await store.projectByName('alpha'))!.id;
    expect((await store.getTrace(project, hex(300, 16)))?.spanCount).toBe(1);
    expect(queue.stats()).toMatchObject({ requests: 0, waitingTurn: 0 });
  });
});
