import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AssayClientError, createClient } from '../src/client/index.js';
import { createApiKey } from '../src/monitor/api-keys.js';
import { type RunningServer, startServer } from '../src/server/main.js';

const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function serve(db: string, port = 0) {
  const server = await startServer({ host: '127.0.0.1', port, db, print: () => {} });
  servers.push(server);
  return server;
}

const freshDb = () => join(mkdtempSync(join(tmpdir(), 'assay-client-')), 'traces.db');

/** Every trace id of the key's project, paging through GET /api/v1/traces. */
async function traceIds(url: string, key: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const res = await fetch(`${url}/api/v1/traces?limit=1000${q}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { traces: { traceId: string }[]; nextCursor: string | null };
    ids.push(...page.traces.map((t) => t.traceId));
    cursor = page.nextCursor;
  } while (cursor);
  return ids.sort();
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
};

const gen = (i: number) => ({
  id: `ev-${String(i).padStart(4, '0')}`,
  model: 'gpt-4o-mini',
  provider: 'openai',
  input: [{ role: 'user', content: `question ${i}` }],
  output: `answer ${i}`,
  latencyMs: 120,
  usage: { inputTokens: 12, outputTokens: 30 },
  tags: { segment: i % 2 ? 'odd' : 'even' },
});

describe('assay/client against a real assay serve', () => {
  it('delivers 1,000 events and feedback; shutdown() waits for all of them', async () => {
    const server = await serve(freshDb());
    const key = (await createApiKey(server.store, 'client-a')).token;
    const client = createClient({ url: `${server.url}/`, apiKey: key, batchSize: 100 });
    for (let i = 0; i < 1000; i++) client.log(gen(i));
    client.feedback({ traceId: 'ev-0007', value: -1, comment: 'wrong' });
    client.feedback({ id: 'fb-stars', traceId: 'ev-0008', name: 'stars', value: 4 });
    client.feedback({ traceId: 'ev-0009', correction: 'the right answer', escalated: true });
    await client.shutdown();

    expect(client.stats()).toMatchObject({ sent: 1003, dropped: 0, buffered: 0 });
    const ids = await traceIds(server.url, key);
    expect(ids).toEqual(Array.from({ length: 1000 }, (_, i) => gen(i).id));
    const res = await fetch(`${server.url}/api/v1/traces/ev-0008`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const trace = (await res.json()) as {
      spans: { model: string; usage: unknown }[];
      feedback: { id: string; name: string; value: number }[];
    };
    expect(trace.spans[0]).toMatchObject({ model: 'gpt-4o-mini' });
    expect(trace.feedback).toMatchObject([{ id: 'fb-stars', name: 'stars', value: 4 }]);
    const seven = (await (
      await fetch(`${server.url}/api/v1/traces/ev-0007`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { feedback: { value: number; comment: string }[] };
    expect(seven.feedback).toMatchObject([{ value: -1, comment: 'wrong' }]);
    const nine = (await (
      await fetch(`${server.url}/api/v1/traces/ev-0009`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { feedback: { value: null; correction: string; escalated: boolean }[] };
    expect(nine.feedback).toMatchObject([{ value: null, correction: 'the right answer', escalated: true }]);
  });

  it('buffers while the server is down and delivers when it comes up on the same port', async () => {
    const db = freshDb();
    const first = await serve(db);
    const key = (await createApiKey(first.store, 'client-b')).token;
    const port = Number(new URL(first.url).port);
    await first.close();

    const client = createClient({
      url: first.url,
      apiKey: key,
      batchSize: 10,
      retryBaseMs: 20,
      maxRetryDelayMs: 200,
      maxRetries: 1000,
    });
    for (let i = 0; i < 35; i++) client.log(gen(i));
    await until(() => client.stats().retries >= 3);
    expect(client.stats()).toMatchObject({ sent: 0, dropped: 0, buffered: 35 });

    const again = await serve(db, port);
    await client.flush();
    expect(client.stats()).toMatchObject({ sent: 35, dropped: 0, buffered: 0 });
    expect(await traceIds(again.url, key)).toEqual(Array.from({ length: 35 }, (_, i) => gen(i).id));
    await client.shutdown();
  });

  it('drops the OLDEST events beyond maxBuffer while the server is away, and counts them', async () => {
    const db = freshDb();
    const first = await serve(db);
    const key = (await createApiKey(first.store, 'client-c')).token;
    const port = Number(new URL(first.url).port);
    await first.close();
    const errors: AssayClientError[] = [];
    const client = createClient({
      url: first.url,
      apiKey: key,
      batchSize: 10,
      maxBuffer: 50,
      retryBaseMs: 20,
      maxRetryDelayMs: 200,
      maxRetries: 1000,
      onError: (e) => errors.push(e),
    });
    for (let i = 0; i < 200; i++) client.log(gen(i));
    expect(client.stats()).toMatchObject({ dropped: 150, buffered: 50, droppedBy: { overflow: 150 } });
    await until(() => client.stats().retries >= 2);
    expect(errors.filter((e) => e.reason === 'overflow').length).toBe(150);
    expect(errors.some((e) => e.reason === 'retry' && /ECONNREFUSED/.test(e.message))).toBe(true);

    const again = await serve(db, port);
    await client.shutdown();
    expect(client.stats()).toMatchObject({ sent: 50, dropped: 150, buffered: 0 });
    // The newest 50 survive: events 150..199.
    expect(await traceIds(again.url, key)).toEqual(Array.from({ length: 50 }, (_, i) => gen(150 + i).id));
  });
});
