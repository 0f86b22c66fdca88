import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { convertOtlp } from '../src/monitor/otlp/convert.js';
import { ConvertPool, DecoderStoppedError } from '../src/monitor/otlp/convert-pool.js';
import { respondError } from '../src/server/http-error.js';
import { everyShape, otlpJson } from './helpers/otlp.js';

const crashing = fileURLToPath(new URL('./fixtures/crashing-convert-worker.mjs', import.meta.url));
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
