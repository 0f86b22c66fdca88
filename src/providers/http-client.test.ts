import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, retryAfterMs } from './http-client.js';

let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/hang') return; // never answers
    if (req.url === '/text') return res.end('plain words');
    if (req.url === '/reset') return req.socket.destroy();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ method: req.method, body: Buffer.concat(chunks).toString(), headers: req.headers }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('request', () => {
  it('sends JSON and parses a JSON answer', async () => {
    const res = await request({ url: `${base}/echo`, body: { a: 1 }, headers: { 'x-k': 'v' } });
    expect(res.status).toBe(200);
    const body = res.body as { method: string; body: string; headers: Record<string, string> };
    expect(body.method).toBe('POST');
    expect(JSON.parse(body.body)).toEqual({ a: 1 });
    expect(body.headers['content-type']).toBe('application/json');
    expect(body.headers['x-k']).toBe('v');
    expect(body.headers.connection).toBe('keep-alive');
  });

  it('keeps a non-JSON answer as text', async () => {
    const res = await request({ url: `${base}/text`, method: 'GET' });
    expect(res.body).toBe('plain words');
  });

  it('a request with no answer times out as a retryable provider.timeout', async () => {
    await expect(request({ url: `${base}/hang`, timeoutMs: 50 })).rejects.toMatchObject({
      code: 'provider.timeout',
      retryable: true,
    });
  });

  it('an aborted request rejects as run.aborted, not retryable', async () => {
    const c = new AbortController();
    const p = request({ url: `${base}/hang`, signal: c.signal });
    setTimeout(() => c.abort(), 20);
    await expect(p).rejects.toMatchObject({ code: 'run.aborted', retryable: false });
  });

  it('a reset connection is a retryable provider.network error', async () => {
    await expect(request({ url: `${base}/reset` })).rejects.toMatchObject({
      code: 'provider.network',
      retryable: true,
    });
  });

  it('a refused connection names the address and the cause', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(request({ url: `http://127.0.0.1:${port}/v1` })).rejects.toMatchObject({
      code: 'provider.network',
      message: `cannot reach http://127.0.0.1:${port}: ECONNREFUSED`,
    });
  });
});

describe('retryAfterMs', () => {
  it('reads retry-after-ms, Retry-After seconds, and an HTTP date', () => {
    expect(retryAfterMs({ 'retry-after-ms': '150' })).toBe(150);
    expect(retryAfterMs({ 'retry-after': '2' })).toBe(2000);
    expect(retryAfterMs({ 'retry-after': '0' })).toBe(0);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now)).toBe(5000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }, now)).toBe(0);
    expect(retryAfterMs({})).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
  });
});
