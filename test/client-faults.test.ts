import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AssayClientError, createClient, parseRetryAfter, retryDelay } from '../src/client/index.js';

interface Hit {
  at: number;
  path: string;
  auth: string | undefined;
  body: { events?: { id: string }[]; traceId?: string; id?: string };
}

/** A node:http stub answering each request with the next of `answers` (the last repeats). */
async function stub(answers: ((res: ServerResponse, hit: Hit) => void)[]) {
  const hits: Hit[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit = {
        at: Date.now(),
        path: req.url ?? '',
        auth: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      };
      hits.push(hit);
      answers[Math.min(hits.length - 1, answers.length - 1)]!(res, hit);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stubs.push(server);
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, hits };
}

const stubs: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const s of stubs.splice(0)) await new Promise((r) => s.close(r));
});

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
const ok = json(200, { accepted: 1 });
const overloaded = json(
  503,
  { error: { code: 'overloaded', message: 'queue full' } },
  { 'retry-after': '1' },
);

const gen = (id: string) => ({ id, model: 'm', input: 'q', output: 'a' });

describe('assay/client retries and refusals (against a node:http stub)', () => {
  it('honours 503 Retry-After: waits the server’s second, twice, then delivers the same batch', async () => {
    const { url, hits } = await stub([overloaded, overloaded, ok]);
    // A 1 ms backoff: without honouring Retry-After the retries would come at once.
    const client = createClient({ url, apiKey: 'assay_k', retryBaseMs: 1, maxRetryDelayMs: 2 });
    client.log(gen('a'));
    client.log(gen('b'));
    await client.flush();
    expect(hits.map((h) => h.path)).toEqual(['/api/v1/ingest', '/api/v1/ingest', '/api/v1/ingest']);
    expect(hits.map((h) => h.body.events!.map((e) => e.id))).toEqual([
      ['a', 'b'],
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(hits[0]!.auth).toBe('Bearer assay_k');
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(950);
    expect(hits[2]!.at - hits[1]!.at).toBeGreaterThanOrEqual(950);
    expect(client.stats()).toMatchObject({ sent: 2, retries: 2, dropped: 0, buffered: 0 });
  });

  it('does not retry a 4xx other than 429; counts the drop with the server’s reason', async () => {
    const { url, hits } = await stub([
      json(401, { error: { code: 'unauthorized', message: 'invalid API key' } }),
    ]);
    const errors: AssayClientError[] = [];
    const client = createClient({ url, apiKey: 'assay_bad', onError: (e) => errors.push(e) });
    client.log(gen('a'));
    client.feedback({ traceId: 'a', value: 1 });
    await client.flush();
    expect(hits.map((h) => h.path)).toEqual(['/api/v1/ingest', '/api/v1/feedback']);
    expect(client.stats()).toMatchObject({ sent: 0, retries: 0, dropped: 2, droppedBy: { rejected: 2 } });
    await new Promise((r) => setImmediate(r));
    expect(errors.map((e) => [e.reason, e.status])).toEqual([
      ['rejected', 401],
      ['rejected', 401],
    ]);
    expect(errors[0]!.message).toMatch(/invalid API key/);
  });

  it('retries 429 and 5xx; a 400 naming events[i] drops that event only and resends the rest', async () => {
    const { url, hits } = await stub([
      json(429, { error: { code: 'limited', message: 'slow down' } }, { 'retry-after': '0' }),
      json(500, { error: { code: 'internal', message: 'internal error' } }),
      json(400, { error: { code: 'invalid', message: 'events[1].usage: bad', field: 'events[1].usage' } }),
      ok,
    ]);
    const client = createClient({ url, apiKey: 'k', retryBaseMs: 1, maxRetryDelayMs: 5 });
    client.log(gen('a'));
    client.log({ ...gen('b'), usage: { inputTokens: -1 } });
    client.log(gen('c'));
    await client.flush();
    expect(hits.map((h) => h.body.events!.map((e) => e.id).join(''))).toEqual(['abc', 'abc', 'abc', 'ac']);
    expect(client.stats()).toMatchObject({ sent: 2, retries: 2, dropped: 1, droppedBy: { rejected: 1 } });
  });

  it('gives up after maxRetries and says so; flush() still resolves', async () => {
    const { url, hits } = await stub([json(503, { error: { message: 'down' } })]);
    const client = createClient({ url, apiKey: 'k', maxRetries: 2, retryBaseMs: 1, maxRetryDelayMs: 2 });
    client.log(gen('a'));
    await client.flush();
    expect(hits.length).toBe(3);
    expect(client.stats()).toMatchObject({ sent: 0, retries: 2, dropped: 1, droppedBy: { 'gave-up': 1 } });
  });

  it('sends a partial batch on the interval and a full batch at once; fills id and timestamp', async () => {
    const { url, hits } = await stub([ok]);
    const client = createClient({ url, apiKey: 'k', batchSize: 3, flushIntervalMs: 50 });
    client.log({ model: 'm', input: 'q', output: 'a', latencyMs: 1000 });
    while (hits.length === 0) await new Promise((r) => setTimeout(r, 10));
    const sent = hits[0]!.body.events![0] as unknown as { id: string; timestamp: string; type: string };
    expect(sent.type).toBe('generation');
    expect(sent.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(sent.timestamp)).toBeLessThanOrEqual(Date.now() - 1000);
    for (const id of ['x', 'y', 'z']) client.log(gen(id));
    while (hits.length < 2) await new Promise((r) => setTimeout(r, 10));
    expect(hits[1]!.body.events!.map((e) => e.id)).toEqual(['x', 'y', 'z']);
    await client.shutdown();
  });
});

describe('assay/client and the process lifetime', () => {
  it('an app awaiting shutdown() during a retry’s wait is kept alive until delivery', async () => {
    const { url, hits } = await stub([overloaded, ok]);
    const dir = mkdtempSync(join(tmpdir(), 'assay-client-exit-'));
    const script = join(dir, 'app.mts');
    // The retry's wait starts before shutdown() is called (so it began unref'd): nothing else
    // holds the event loop, so without ref-ing it on flush the process would exit mid-await.
    writeFileSync(
      script,
      [
        `import { createClient } from ${JSON.stringify(resolve('src/client/index.ts'))};`,
        `const client = createClient({ url: ${JSON.stringify(url)}, apiKey: 'k', batchSize: 1 });`,
        "client.log({ id: 'late', model: 'm', input: 'q', output: 'a' });",
        'while (client.stats().retries === 0) await new Promise((r) => setTimeout(r, 10));',
        'await client.shutdown();',
        "console.log('sent', client.stats().sent);",
        '',
      ].join('\n'),
    );
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(process.execPath, ['--import', 'tsx', script], { timeout: 60_000 }, (error, stdout, stderr) =>
        done({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
      ),
    );
    expect(out.stdout.trim(), out.stderr).toBe('sent 1');
    expect(out.code).toBe(0);
    expect(hits.length).toBe(2);
  });
});

describe('assay/client never throws into the app', () => {
  it('log() and feedback() take garbage with a dead server and return undefined', async () => {
    const s = createNetServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const port = (s.address() as { port: number }).port;
    await new Promise((r) => s.close(r));
    const errors: AssayClientError[] = [];
    const client = createClient({
      url: `http://127.0.0.1:${port}`,
      apiKey: 'k',
      maxRetries: 1,
      retryBaseMs: 1,
      maxRetryDelayMs: 2,
      onError: (e) => {
        errors.push(e);
        throw new Error('a broken handler');
      },
    });
    const circular: Record<string, unknown> = { model: 'm', input: 'q', output: 'a' };
    circular.self = circular;
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    const throwingGetter = Object.defineProperty({ input: 'q', output: 'a' }, 'model', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const garbage: unknown[] = [
      undefined,
      null,
      42,
      'text',
      [],
      () => {},
      Symbol('s'),
      {},
      { model: '' },
      { type: 'span', model: 'm', input: 'q', output: 'a' },
      { model: 'm', input: 'q', output: 'a', big: 10n },
      circular,
      hostile,
      throwingGetter,
      {
        model: 'm',
        input: 'q',
        output: 'a',
        toJSON: () => {
          throw new Error('toJSON');
        },
      },
    ];
    for (const g of garbage) {
      expect(client.log(g as never)).toBeUndefined();
      expect(client.feedback(g as never)).toBeUndefined();
    }
    expect(client.log(gen('fine'))).toBeUndefined();
    expect(client.stats().droppedBy.invalid).toBe(garbage.length * 2);
    await client.shutdown();
    expect(client.stats()).toMatchObject({ sent: 0, buffered: 0, droppedBy: { 'gave-up': 1 } });
    expect(client.log(gen('late'))).toBeUndefined();
    expect(client.stats().droppedBy.closed).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(errors.some((e) => e.reason === 'invalid')).toBe(true);
  });

  it('rejects bad options at construction, not later', () => {
    expect(() => createClient({ url: 'http://x', apiKey: 'k', batchSize: 0 })).toThrow(/batchSize/);
    expect(() => createClient(undefined as never)).toThrow(/url and apiKey/);
  });
});

describe('backoff', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('1', 0)).toBe(1000);
    expect(parseRetryAfter(new Date(5000).toUTCString(), 2000)).toBe(3000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });

  it('never waits less than Retry-After; otherwise doubles up to the cap with jitter', () => {
    expect(retryDelay(0, 1000, 1, 2, () => 0)).toBe(1000);
    expect(retryDelay(0, 1000, 1, 2, () => 1)).toBe(1100);
    expect(retryDelay(3, undefined, 100, 10_000, () => 0)).toBe(400);
    expect(retryDelay(3, undefined, 100, 10_000, () => 1)).toBe(800);
    expect(retryDelay(20, undefined, 100, 10_000, () => 1)).toBe(10_000);
  });
});
