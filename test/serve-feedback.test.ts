import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceStore } from '../src/core/trace-store.js';
import { createApiKey } from '../src/monitor/api-keys.js';
import { startServer } from '../src/server/main.js';

let server: Awaited<ReturnType<typeof startServer>>;
let store: TraceStore;
let keyA: string;
let keyB: string;

beforeAll(async () => {
  server = await startServer({ host: '127.0.0.1', port: 0, db: ':memory:', print: () => {} });
  store = server.store;
  keyA = (await createApiKey(store, 'alpha')).token;
  keyB = (await createApiKey(store, 'beta')).token;
});
afterAll(() => server.close());

function post(path: string, key: string, body: unknown) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const generation = (traceId: string) => ({
  events: [{ type: 'generation', id: traceId, traceId, model: 'gpt-4o', input: 'Hi?', output: 'Hello.' }],
});

describe('POST /api/v1/feedback', () => {
  it('stores thumbs, stars, corrections and escalations, shown on the trace', async () => {
    expect((await post('/api/v1/ingest', keyA, generation('t-fb-1'))).status).toBe(200);
    const thumbs = await post('/api/v1/feedback', keyA, { id: 'fb-1', traceId: 't-fb-1', value: -1 });
    expect(thumbs.status).toBe(200);
    expect(await thumbs.json()).toEqual({ id: 'fb-1', traceId: 't-fb-1' });
    await post('/api/v1/feedback', keyA, { id: 'fb-2', traceId: 't-fb-1', name: 'stars', value: 2 });
    await post('/api/v1/feedback', keyA, {
      id: 'fb-3',
      traceId: 't-fb-1',
      value: null,
      correction: 'Hello! How can I help?',
      escalated: true,
      userId: 'u1',
      comment: 'too short',
      timestamp: '2026-01-02T03:04:05Z',
    });
    const res = await fetch(`${server.url}/api/v1/traces/t-fb-1`, { headers: { 'x-api-key': keyA } });
    const trace = (await res.json()) as { feedback: Record<string, unknown>[] };
    const byId = Object.fromEntries(trace.feedback.map((f) => [f.id, f]));
    expect(byId['fb-1']).toMatchObject({ name: 'thumbs', value: -1, escalated: false });
    expect(byId['fb-2']).toMatchObject({ name: 'stars', value: 2 });
    expect(byId['fb-3']).toMatchObject({
      value: null,
      correction: 'Hello! How can I help?',
      escalated: true,
      userId: 'u1',
      comment: 'too short',
      timestamp: '2026-01-02T03:04:05.000Z',
    });
  });

  it('is idempotent by id: a resent feedback is stored once', async () => {
    for (let i = 0; i < 3; i++)
      expect(
        (await post('/api/v1/feedback', keyA, { id: 'fb-same', traceId: 't-fb-2', value: 1 })).status,
      ).toBe(200);
    expect((await store.feedbackFor('alpha-project-id-unused', 't-fb-2')).length).toBe(0);
    const projectId = (await store.listProjects()).find((p) => p.name === 'alpha')!.id;
    expect((await store.feedbackFor(projectId, 't-fb-2')).length).toBe(1);
  });

  it('answers 400 naming the field on bad input', async () => {
    const cases: [unknown, string][] = [
      [{ value: 1 }, 'traceId'],
      [{ traceId: 't', value: 'up' }, 'value'],
      [{ traceId: 't', value: 1, escalated: 'yes' }, 'escalated'],
      [{ traceId: 't', value: 1, timestamp: 'yesterday' }, 'timestamp'],
      [{ traceId: 't', value: 1, extra: true }, 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await post('/api/v1/feedback', keyA, body);
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { message: string } };
      expect(error.message).toContain(field === 'body' ? 'extra' : field);
    }
    const notJson = await fetch(`${server.url}/api/v1/feedback`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keyA}` },
      body: '{',
    });
    expect(notJson.status).toBe(400);
  });

  it("is scoped to the key's project", async () => {
    await post('/api/v1/ingest', keyB, generation('t-fb-b'));
    await post('/api/v1/feedback', keyA, { id: 'fb-x', traceId: 't-fb-b', value: 1 });
    const res = await fetch(`${server.url}/api/v1/traces/t-fb-b`, { headers: { 'x-api-key': keyB } });
    expect(((await res.json()) as { feedback: unknown[] }).feedback).toEqual([]);
    expect((await post('/api/v1/feedback', 'assay_wrong', { traceId: 't', value: 1 })).status).toBe(401);
  });
});
