import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { IngestQueue } from '../monitor/ingest-queue.js';
import { HttpError } from './http-error.js';

const gunzipAsync = promisify(gunzip);

/**
 * A request body, bounded: 413 past `limit` bytes (announced, streamed or once inflated), 408 when
 * it has not all arrived within `timeoutMs`; gzip is inflated off the main thread. Other encodings
 * are refused with 415. The body is the whole of an ArrayBuffer of its own (never a view on memory
 * Node reuses), so it may be transferred to a worker.
 */
export async function readBody(c: Context, limit: number, timeoutMs?: number): Promise<Uint8Array> {
  const announced = Number(c.req.header('content-length'));
  if (announced > limit) throw tooLarge(limit);
  const deadline = performance.now() + (timeoutMs ?? Number.POSITIVE_INFINITY);
  const raw = await within(readLimited(bodyOf(c), limit, announced, deadline), deadline);
  const encoding = (c.req.header('content-encoding') ?? 'identity').toLowerCase().trim();
  if (encoding === 'identity' || encoding === '') return owned(raw);
  if (encoding !== 'gzip')
    throw new HttpError(
      415,
      'unsupported',
      `Content-Encoding ${encoding} is not supported; use gzip or none`,
    );
  try {
    return owned(await gunzipAsync(raw, { maxOutputLength: limit }));
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit);
    throw new HttpError(400, 'invalid', `the body is not valid gzip: ${(error as Error).message}`);
  }
}

/**
 * The body read, or 408 at `deadline` (`performance.now()`): a client that stalls mid-body does not
 * hold its turn for Node's 300 s. A read still waiting then stops at its next chunk.
 */
async function within<T>(read: Promise<T>, deadline: number): Promise<T> {
  if (deadline === Number.POSITIVE_INFINITY) return read;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(tooSlow()), Math.max(0, deadline - performance.now()));
  });
  read.catch(() => {}); // a read that fails after the deadline has nobody left to tell
  try {
    return await Promise.race([read, late]);
  } finally {
    clearTimeout(timer);
  }
}

function tooSlow(): HttpError {
  return new HttpError(408, 'timeout', 'the body did not arrive in time; send it again');
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'too-large', `the body is larger than ${limit} bytes; send smaller batches`);
}

/**
 * The request's body, chunk by chunk. Served by `@hono/node-server`, it is the request itself
 * (`IncomingMessage`), read as the socket gives it: the web stream that `c.req.raw.body` makes of it
 * (`Readable.toWeb`) copies every chunk into a new buffer and waits on a promise for each, at twice
 * the load ~40 MB/s of bodies taken in and as much of refused ones drained. Elsewhere
 * (`app.request()` in tests) the web stream is read.
 */
function bodyOf(c: Context): AsyncIterable<Uint8Array> | undefined {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  if (incoming) return incoming;
  const body = c.req.raw.body;
  return body ? Readable.fromWeb(body as import('node:stream/web').ReadableStream) : undefined;
}

/**
 * Reads the body within `limit`. With a length announced (Node's parser holds the body to it), into
 * one buffer of that size as the chunks arrive: no chunk is held (and promoted to the old generation
 * while a body trickles in under load), and the body owns its memory, so it can be handed to a
 * worker thread without a copy (`ConvertPool`).
 */
async function readLimited(
  body: AsyncIterable<Uint8Array> | undefined,
  limit: number,
  announced: number,
  deadline: number,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  if (Number.isSafeInteger(announced) && announced > 0) {
    const into = Buffer.allocUnsafeSlow(announced);
    let total = 0;
    for await (const chunk of body) {
      if (performance.now() > deadline) throw tooSlow();
      if (total + chunk.byteLength > announced)
        throw new HttpError(400, 'invalid', 'the body is longer than its Content-Length');
      into.set(chunk, total);
      total += chunk.byteLength;
    }
    return total === announced ? into : into.subarray(0, total);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    if (performance.now() > deadline) throw tooSlow();
    total += chunk.byteLength;
    if (total > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** The bytes as the whole of an ArrayBuffer of their own: a view on a larger one is copied. */
function owned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes
    : new Uint8Array(bytes);
}

/**
 * Admits a request to the ingest queue before its body is parsed. When refused, the body is read and
 * discarded (never buffered, never past `limit`) before the 503 goes out: answering while the client
 * is still sending makes the server close the connection, and the client sees a reset instead of the
 * 503 + Retry-After that OTLP exporters and our client retry on.
 */
export async function admit(c: Context, queue: IngestQueue, limit: number): Promise<void> {
  try {
    queue.enter();
  } catch (error) {
    await discardBody(bodyOf(c), limit).catch(() => {});
    throw error;
  }
}

async function discardBody(body: AsyncIterable<Uint8Array> | undefined, limit: number): Promise<void> {
  if (!body) return;
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > limit) return;
  }
}

/** Parses a JSON body, or 400 with the reason. */
export function parseJsonBody(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    throw new HttpError(400, 'invalid', `the body is not JSON: ${(error as Error).message}`);
  }
}
