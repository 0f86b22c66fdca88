import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/monitor/api-keys.js';
import { startServer } from '../src/server/main.js';

let server: Awaited<ReturnType<typeof startServer>>;
let key: string;

beforeAll(async () => {
  server = await startServer({ host: '127.0.0.1', port: 0, db: ':memory:', print: () => {} });
  key = (await createApiKey(server.store, 'signals')).token;
});
afterAll(() => server.close());

const T0 = Date.parse('2026-03-01T10:00:00Z');
const generation = (id: string, atS: number, input: string, sessionId = 'sess-sig') => ({
  type: 'generation',
  id,
  traceId: id,
  sessionId,
  timestamp: new Date(T0 + atS * 1000).toISOString(),
  latencyMs: 1500,
  model: 'gpt-4o',
  input,
  output: 'Here is how.',
});

async function ingest(events: unknown[]) {
  const res = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  expect(res.status).toBe(200);
  await server.signals!.settled();
}

async function signalsOf(traceId: string) {
  const res = await fetch(`${server.url}/api/v1/traces/${traceId}`, { headers: { 'x-api-key': key } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { signals: { kind: string; value: number; sessionId: string }[] }).signals;
}

describe('implicit signals on a running server', () => {
  it('a rephrase and a retry in a session show on their traces; old sessions are abandoned', async () => {
    await ingest([
      generation('sig-1', 0, 'How can I reset the password of my account?'),
      generation('sig-2', 30, 'How do I reset my account password?'),
    ]);
    // Later traffic of the same session, in another request: the session is recomputed.
    await ingest([generation('sig-3', 60, 'how do I reset my account   password?')]);
    expect(await signalsOf('sig-1')).toEqual([]);
    const second = await signalsOf('sig-2');
    expect(second.map((s) => s.kind)).toEqual(['rephrase']);
    expect(second[0]!.value).toBeGreaterThanOrEqual(0.8);
    expect(second[0]!.sessionId).toBe('sess-sig');
    const third = Object.fromEntries((await signalsOf('sig-3')).map((s) => [s.kind, s.value]));
    // The session's timestamps are long past: its conversation ended after a reply with no feedback.
    expect(third).toEqual({ retry: 1, turns: 3, time_to_completion_ms: 61_500, abandoned: 1 });
  });

  it('positive feedback on the session removes abandonment when recomputed', async () => {
    await ingest([generation('fb-1', 0, 'What are your opening hours?', 'sess-fb')]);
    expect((await signalsOf('fb-1')).map((s) => s.kind)).toContain('abandoned');
    const res = await fetch(`${server.url}/api/v1/feedback`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'fb-up', traceId: 'fb-1', value: 1 }),
    });
    expect(res.status).toBe(200);
    await server.signals!.settled();
    expect((await signalsOf('fb-1')).map((s) => s.kind).sort()).toEqual(['time_to_completion_ms', 'turns']);
  });
});
