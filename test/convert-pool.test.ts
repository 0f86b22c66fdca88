import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createLocalEmbedder, LOCAL_EMBEDDER_ID } from '../src/embeddings/local.js';
import { convertOtlp } from '../src/monitor/otlp/convert.js';
import { ConvertPool, DecoderStoppedError } from '../src/monitor/otlp/convert-pool.js';
import { respondError } from '../src/server/http-error.js';
import { everyShape, otlpJson } from './helpers/otlp.js';

const crashing = fileURLToPath(new URL('./fixtures/crashing-convert-worker.mjs', import.meta.url));
// The compiled worker (test/global-setup.ts builds dist/ first).
const compiled = fileURLToPath(new URL('../dist/monitor/otlp/convert-worker.js', import.meta.url));
const request = new TextEncoder().encode(JSON.stringify(otlpJson(everyShape('f1', 'a'))));
// A copy each time: a body given to a thread is handed over, not shared.
const job = () => ({ body: request.slice(), protobuf: false, projectId: 'p', nowMs: 1_733_380_000_000 });

describe('ConvertPool when a decoding thread stops', () => {
  it('fails its bodies with a retryable 503, replaces the thread, and converts in-thread once out of restarts', async () => {
    const pool = new ConvertPool(1, { workerFile: crashing, maxRestarts: 2 });
    expect(pool.threads).toBe(1);
    const errors: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      // The stopped thread's exit fails the body, then spawns the replacement the next one goes to.
      errors.push(await pool.convert(job()).catch((e: unknown) => e));
    }
    expect(errors.every((e) => e instanceof DecoderStoppedError)).toBe(true);
    expect(String((errors[0] as Error).message)).toContain('code 3');
    // Two replacements, both stopped: none is left and the main thread converts.
    expect(pool.threads).toBe(0);
    expect(await pool.convert(job())).toEqual(convertOtlp(job()));
    await pool.close();

    const app = new Hono();
    app.get('/', () => {
      throw errors[0];
    });
    app.onError(respondError);
    const res = await app.request('/');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unavailable');
  });
});

describe('ConvertPool.localEmbedder', () => {
  const texts = ['Where is my order?', 'Où est ma commande ?', '', 'Cancel my plan, please'];

  it('embeds on the decoding thread, the vectors bit for bit those of the local embedder here', async () => {
    const pool = new ConvertPool(1, { workerFile: compiled });
    expect(pool.threads).toBe(1);
    const embedder = pool.localEmbedder();
    expect(embedder.id).toBe(LOCAL_EMBEDDER_ID);
    await embedder.ready!();
    const there = await embedder.embed(texts);
    const here = await createLocalEmbedder().embed(texts);
    expect(there.map((v) => Array.from(v))).toEqual(here.map((v) => Array.from(v)));
    // Conversions go on beside embeddings.
    const [converted, again] = await Promise.all([pool.convert(job()), embedder.embed(texts.slice(0, 1))]);
    const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;
    expect(plain(converted)).toEqual(plain(convertOtlp(job())));
    expect(Array.from(again[0]!)).toEqual(Array.from(here[0]!));
    await pool.close();
  });

  it('fails the texts a stopped thread held; with no thread left, embeds in this thread', async () => {
    const pool = new ConvertPool(1, { workerFile: crashing, maxRestarts: 0 });
    const embedder = pool.localEmbedder();
    expect(await embedder.embed(texts).catch((e: unknown) => e)).toBeInstanceOf(DecoderStoppedError);
    expect(pool.threads).toBe(0);
    const here = await createLocalEmbedder().embed(texts);
    expect((await embedder.embed(texts)).map((v) => Array.from(v))).toEqual(here.map((v) => Array.from(v)));
    expect((await pool.localEmbedder().embed(texts)).length).toBe(texts.length);
    await pool.close();
  });
});
