import type { IncomingMessage } from 'node:http';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type HttpBindings, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceStore } from '../src/core/trace-store.js';
import { createApiKey } from '../src/monitor/api-keys.js';
import { IngestQueue } from '../src/monitor/ingest-queue.js';
import { createApp } from '../src/server/app.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { traceStoreOn } from '../src/store/trace-store.js';
import { hex, otlpJson } from './helpers/otlp.js';
import { until } from './helpers/until.js';

/**
 * Over real HTTP (`@hono/node-server`), where the ingest routes read Node's request itself: a request
 * waiting for its turn leaves its body in the socket, so memory holds the bodies of the requests
 * taking theirs in, not of all those admitted (src/monitor/ingest-queue.ts, `maxActive`).
 */
let store: TraceStore;
let key: string;
beforeAll(async () => {
  store = traceStoreOn(await openSqliteStore(':memory:'));
  key = (await createApiKey(store, 'alpha')).token;
});
afterAll(() => store.close());

/** An OTLP JSON body of `spans` spans of trace `t`, each with `kb` KB of content. */
const body = (t: number, spans: number, kb: number) =>
  Buffer.from(
    JSON.stringify(
      otlpJson(
        Array.from({ length: spans }, (_, s) => ({
          traceId: hex(t, 16),
          spanId: hex(s + 1, 8),
          name: 'chat',
          attributes: { 'gen_ai.request.model': 'm', 'input.value': 'x'.repeat(kb * 1024) },
        })),
      ),
    ),
  );

describe('turns over real HTTP', () => {
  it('a request waiting for its turn is not read past what Node buffers, then is taken in', async () => {
    const queue = new IngestQueue((b) => store.writeIngest(b), { maxActive: 1 });
    const app = createApp({ store, queue });
    const requests: IncomingMessage[] = [];
    const server = serve({
      fetch: (req, env) => {
        requests.push((env as HttpBindings).incoming);
        return app.fetch(req, env);
      },
      port: 0,
      hostname: '127.0.0.1',
    });
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    const send = (bytes: Buffer, hold?: Promise<void>) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/v1/traces',
            headers: {
              authorization: `Bearer ${key}`,
              'content-type': 'application/json',
              'content-length': String(bytes.length),
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode!));
          },
        );
        req.on('error', reject);
        if (!hold) req.end(bytes);
        else {
          // The first 10 bytes now, the rest when `hold` resolves: the request keeps the only turn.
          req.write(bytes.subarray(0, 10));
          void hold.then(() => req.end(bytes.subarray(10)));
        }
      });
    try {
      let finishFirst: () => void = () => {};
      const held = new Promise<void>((r) => {
        finishFirst = r;
      });
      const first = send(body(301, 1, 1), held);
      // Admitted, it takes the only turn before the second request is even sent.
      await until('the first request admitted', async () => queue.stats().requests === 1, 10_000);
      const big = body(302, 12, 500); // ~6 MB
      const second = send(big);
      await until(
        'the second request waiting for its turn',
        async () => queue.stats().waitingTurn === 1,
        10_000,
      );
      await new Promise((r) => setTimeout(r, 300));
      // Node reads a socket until the request's own buffer is full (16 KB), a read or two of 64 KB.
      expect(requests[1]!.socket.bytesRead).toBeLessThan(512 * 1024);
      finishFirst();
      expect(await first).toBe(200);
      expect(await second).toBe(200);
      expect(requests[1]!.socket.bytesRead).toBeGreaterThan(big.length);
      const project = (await store.projectByName('alpha'))!.id;
      expect((await store.getTrace(project, hex(302, 16)))?.spanCount).toBe(12);
    } finally {
      (server as http.Server).closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
