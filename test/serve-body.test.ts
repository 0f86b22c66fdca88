import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { readBody } from '../src/server/body.js';
import { HttpError } from '../src/server/http-error.js';

/** A route that reads the body as ingestion does and tells what it got. */
const app = new Hono();
app.post('/', async (c) => {
  try {
    const body = await readBody(c, 64 * 1024);
    return c.json({
      text: Buffer.from(body).toString('utf8'),
      // The whole of an ArrayBuffer of its own: what the conversion pool may transfer without a copy.
      owns: body.byteOffset === 0 && body.byteLength === body.buffer.byteLength,
    });
  } catch (error) {
    if (error instanceof HttpError) return c.json({ error: error.message }, error.status as 400);
    throw error;
  }
});

const text = `${'x'.repeat(5000)}end`;

/** A body sent in pieces, with no length announced (chunked transfer encoding). */
function streamed(parts: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(new TextEncoder().encode(p));
      controller.close();
    },
  });
}

const send = (body: string | Uint8Array | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  app.request('/', {
    method: 'POST',
    body,
    headers,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  });

describe('readBody', () => {
  it('reads a body of announced length into a buffer of its own', async () => {
    const res = await send(text, { 'content-length': String(Buffer.byteLength(text)) });
    expect(await res.json()).toEqual({ text, owns: true });
  });

  it('reads a streamed body of unannounced length, in pieces, into a buffer of its own', async () => {
    const res = await send(streamed([text.slice(0, 10), text.slice(10, 4000), text.slice(4000)]));
    expect(await res.json()).toEqual({ text, owns: true });
  });

  it('a single small piece is copied out of whatever memory it was a view on', async () => {
    const res = await send(streamed(['tiny']));
    expect(await res.json()).toEqual({ text: 'tiny', owns: true });
  });

  it('inflates gzip into a buffer of its own', async () => {
    const res = await send(new Uint8Array(gzipSync(text)), { 'content-encoding': 'gzip' });
    expect(await res.json()).toEqual({ text, owns: true });
  });

  it('refuses more than the limit, announced or streamed, with 413', async () => {
    const big = 'y'.repeat(64 * 1024 + 1);
    const announced = await send(big, { 'content-length': String(big.length) });
    expect(announced.status).toBe(413);
    const streamedBig = await send(streamed([big.slice(0, 40_000), big.slice(40_000)]));
    expect(streamedBig.status).toBe(413);
    expect(((await streamedBig.json()) as { error: string }).error).toMatch(/larger than 65536 bytes/);
  });
});

describe('readBody served by @hono/node-server (the request read as Node gives it)', () => {
  /** Sends `parts` over real HTTP, 5 ms apart, with their length announced or chunked. */
  const post = (port: number, parts: string[], announce: boolean) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const total = parts.reduce((n, p) => n + Buffer.byteLength(p), 0);
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/',
          headers: announce ? { 'content-length': String(total) } : {},
        },
        (res) => {
          let out = '';
          res.on('data', (d: Buffer) => {
            out += d.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(out) }));
        },
      );
      req.on('error', reject);
      void (async () => {
        for (const p of parts) {
          req.write(p);
          await new Promise((r) => setTimeout(r, 5));
        }
        req.end();
      })();
    });

  it('reads announced and chunked bodies into buffers of their own, and refuses more than the limit with 413', async () => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    try {
      const pieces = [text.slice(0, 10), text.slice(10, 4000), text.slice(4000)];
      expect(await post(port, pieces, true)).toEqual({ status: 200, body: { text, owns: true } });
      expect(await post(port, pieces, false)).toEqual({ status: 200, body: { text, owns: true } });
      expect(await post(port, ['tiny'], false)).toEqual({ status: 200, body: { text: 'tiny', owns: true } });
      const big = 'y'.repeat(40_000);
      for (const announce of [true, false]) {
        const refused = await post(port, [big, big], announce);
        expect(refused.status).toBe(413);
        expect((refused.body as { error: string }).error).toMatch(/larger than 65536 bytes/);
      }
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
