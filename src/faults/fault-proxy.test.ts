import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssayError } from '../core/errors.js';
import { request } from '../providers/http-client.js';
import { createRng } from '../stats/random.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { parseFaultSpec } from './fault-spec.js';

interface Upstream {
  url: string;
  calls: number;
  connections: number;
  /** Resolves the pending second half of /stream. */
  release: () => void;
  close(): Promise<void>;
}

/** A real upstream: /echo returns what it received, /stream sends one SSE event, waits, sends the rest. */
async function startUpstream(): Promise<Upstream> {
  let release = () => {};
  const state = { calls: 0, connections: 0 };
  const server = http.createServer((req, res) => {
    state.calls++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"n":1}\n\n');
        release = () => res.end('data: {"n":2}\n\ndata: [DONE]\n\n');
        return;
      }
      const body = JSON.stringify({
        method: req.method,
        url: req.url,
        host: req.headers.host,
        auth: req.headers.authorization,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      res.end(body);
    });
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return state.calls;
    },
    get connections() {
      return state.connections;
    },
    release: () => release(),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let upstream: Upstream | undefined;
let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  proxy = undefined;
  upstream = undefined;
});

async function setup(spec?: string, seed = 1): Promise<{ upstream: Upstream; proxy: FaultProxy }> {
  upstream = await startUpstream();
  const rng = createRng(seed);
  proxy = await startFaultProxy({
    upstream: upstream.url,
    faults: spec ? parseFaultSpec(spec) : [],
    random: () => rng.next(),
  });
  return { upstream, proxy };
}

async function failure(p: Promise<unknown>): Promise<AssayError> {
  try {
    await p;
  } catch (error) {
    return error as AssayError;
  }
  throw new Error('expected the request to fail');
}

describe('fault proxy', () => {
  it('passes requests through unchanged when no fault is picked', async () => {
    const { proxy, upstream } = await setup();
    const res = await request({
      url: `${proxy.url}/v1/chat?x=1`,
      headers: { authorization: 'Bearer sk-test' },
      body: { hello: 'world' },
    });
    expect(res.status).toBe(201);
    expect(res.headers['x-upstream']).toBe('yes');
    expect(res.body).toEqual({
      method: 'POST',
      url: '/v1/chat?x=1',
      host: new URL(upstream.url).host,
      auth: 'Bearer sk-test',
      body: '{"hello":"world"}',
    });
    expect(proxy.counts).toEqual({ passed: 1, latency: 0, error: 0, timeout: 0, reset: 0 });
  });

  it('keeps connections alive on both sides', async () => {
    const { proxy, upstream } = await setup();
    for (let i = 0; i < 20; i++) {
      const res = await request({ url: `${proxy.url}/echo`, body: { i } });
      expect(res.status).toBe(201);
    }
    expect(upstream.calls).toBe(20);
    expect(upstream.connections).toBe(1);
  });

  it('streams a response through as it is written (server-sent events)', async () => {
    const { proxy, upstream } = await setup();
    const first = await new Promise<{ chunk: string; res: http.IncomingMessage }>((resolve, reject) => {
      const req = http.request(`${proxy.url}/stream`, { method: 'POST' }, (res) => {
        res.setEncoding('utf8');
        res.once('data', (chunk: string) => resolve({ chunk, res }));
      });
      req.on('error', reject);
      req.end();
    });
    // The upstream has not finished: the first event arrived through the proxy on its own.
    expect(first.chunk).toBe('data: {"n":1}\n\n');
    let rest = '';
    first.res.on('data', (c: string) => {
      rest += c;
    });
    const ended = new Promise((r) => first.res.on('end', r));
    upstream.release();
    await ended;
    expect(rest).toBe('data: {"n":2}\n\ndata: [DONE]\n\n');
  });

  it('answers an error fault itself, with retry-after on 503, without calling the upstream', async () => {
    const { proxy, upstream } = await setup('error=503@100%');
    const res = await request({ url: `${proxy.url}/v1/x`, body: { a: 1 } });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(JSON.stringify(res.body)).toMatch(/fault injected by assay/);
    expect(upstream.calls).toBe(0);
    expect(proxy.counts.error).toBe(1);
  });

  it('resets the connection: the client sees a network error', async () => {
    const { proxy, upstream } = await setup('reset@100%');
    const error = await failure(request({ url: `${proxy.url}/v1/x`, body: {} }));
    expect(error.code).toBe('provider.network');
    expect(error.retryable).toBe(true);
    expect(upstream.calls).toBe(0);
  });

  it('never answers a timeout fault; the client gives up, and closing the proxy ends the held connection', async () => {
    const { proxy, upstream } = await setup('timeout@100%');
    const error = await failure(request({ url: `${proxy.url}/v1/x`, body: {}, timeoutMs: 150 }));
    expect(error.code).toBe('provider.timeout');
    expect(upstream.calls).toBe(0);
    expect(proxy.counts.timeout).toBe(1);
  });

  it('delays a latency fault by at least the given time, then forwards it whole', async () => {
    const { proxy, upstream } = await setup('latency=150@100%');
    const t0 = performance.now();
    const res = await request({ url: `${proxy.url}/echo`, body: { slow: true } });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(149);
    expect((res.body as { body: string }).body).toBe('{"slow":true}');
    expect(upstream.calls).toBe(1);
  });

  it('injects the same faults in the same order for the same seed', async () => {
    const statuses = async (seed: number) => {
      const started = await setup('error=500@30%,error=429@10%', seed);
      const out: number[] = [];
      for (let i = 0; i < 200; i++) {
        out.push((await request({ url: `${started.proxy.url}/echo`, body: {} })).status);
      }
      await started.proxy.close();
      await started.upstream.close();
      proxy = undefined;
      upstream = undefined;
      return out;
    };
    const a = await statuses(42);
    const b = await statuses(42);
    const c = await statuses(43);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const share = (xs: number[], s: number) => xs.filter((x) => x === s).length / xs.length;
    expect(share(a, 500)).toBeGreaterThan(0.2);
    expect(share(a, 500)).toBeLessThan(0.4);
    expect(share(a, 429)).toBeGreaterThan(0.03);
    expect(share(a, 429)).toBeLessThan(0.17);
  });

  it('answers 502 when the upstream cannot be reached', async () => {
    const dead = await startUpstream();
    const url = dead.url;
    await dead.close();
    const rng = createRng(1);
    proxy = await startFaultProxy({ upstream: url, faults: [], random: () => rng.next() });
    const res = await request({ url: `${proxy.url}/v1/x`, body: {} });
    expect(res.status).toBe(502);
    expect(JSON.stringify(res.body)).toMatch(/upstream unreachable/);
  });
});
