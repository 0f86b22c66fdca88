import { gzipSync } from 'node:zlib';
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
