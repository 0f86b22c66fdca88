import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/monitor/api-keys.js';
import { IngestQueue } from '../src/monitor/ingest-queue.js';
import { exportOnlineScores } from '../src/otel/online-scores.js';
import { createApp } from '../src/server/app.js';
import { type RunningServer, startServer } from '../src/server/main.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { traceStoreOn } from '../src/store/trace-store.js';
import { runCli } from './helpers/cli.js';
import { otlpJson } from './helpers/otlp.js';
import { tempDir } from './helpers/suite.js';

/**
 * The monitor's online scores, exported over OTLP, attach to the production span they scored: a
 * child span in the same trace whose `gen_ai.evaluation.result` events `assay serve` reads as scores.
 */

let server: RunningServer;
let key: string;
const dir = tempDir('assay-otel-online-');
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

beforeAll(async () => {
  server = await startServer({ port: 0, db: `${dir.dir}/assay.db`, print: () => {} });
  key = (await createApiKey(server.store, 'online')).token;
});
afterAll(async () => {
  await server?.close();
  dir.cleanup();
});

describe('exportOnlineScores', () => {
  it('adds a child span with the scores to the scored production trace', async () => {
    const ingest = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(
        otlpJson([
          {
            traceId: TRACE,
            spanId: SPAN,
            name: 'chat gpt-4o',
            attributes: {
              'gen_ai.operation.name': 'chat',
              'gen_ai.request.model': 'gpt-4o',
              'gen_ai.output.messages': JSON.stringify([
                { role: 'assistant', parts: [{ type: 'text', content: 'You have 30 days.' }] },
              ]),
            },
          },
        ]),
      ),
    });
    expect(ingest.status).toBe(200);

    const tally = await exportOnlineScores(
      { url: `${server.url}/v1/traces`, headers: { 'x-api-key': key } },
      [
        {
          traceId: TRACE,
          spanId: SPAN,
          scores: [
            { evaluator: 'contains', value: 1, pass: true, reason: 'contains "30 days"' },
            { evaluator: 'rubric.accuracy', value: null, pass: null, error: 'judge verdict unparsable' },
          ],
        },
      ],
    );
    expect(tally).toEqual({ exported: 1, failed: 0 });

    const res = await fetch(`${server.url}/api/v1/traces/${TRACE}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    const { spans } = (await res.json()) as {
      spans: {
        spanId: string;
        parentSpanId: string | null;
        name: string;
        scores: Record<string, unknown>[];
      }[];
    };
    expect(spans).toHaveLength(2);
    const child = spans.find((s) => s.parentSpanId === SPAN)!;
    expect(child.name).toBe('assay.online_evaluation');
    expect(child.scores).toEqual([
      { name: 'contains', value: 1, label: 'pass', explanation: 'contains "30 days"', source: 'otlp' },
      {
        name: 'rubric.accuracy',
        value: null,
        label: 'error',
        explanation: 'judge verdict unparsable',
        source: 'otlp',
      },
    ]);
  });
});

describe('assay monitor run --once --otlp-endpoint', () => {
  it('exports the online scores of the pass to a collector', async () => {
    const local = tempDir('assay-otel-monitor-');
    const received: { body: string; auth: string | undefined }[] = [];
    const collector = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        received.push({ body, auth: req.headers.authorization });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    try {
      const db = join(local.dir, 'assay.db');
      const store = traceStoreOn(await openSqliteStore(db));
      const { token } = await createApiKey(store, 'default');
      const app = createApp({ store, queue: new IngestQueue((b) => store.writeIngest(b)) });
      const t0 = Date.parse('2026-11-20T10:00:00Z');
      const events = Array.from({ length: 20 }, (_, i) => ({
        type: 'generation',
        id: `gen-${i}`,
        traceId: `trace-${i}`,
        timestamp: new Date(t0 + i * 60_000).toISOString(),
        model: 'gpt-4o',
        input: `How long do I have to return item ${i}?`,
        output: i % 4 === 0 ? 'I cannot help.' : 'You have 30 days.',
        latencyMs: 200,
      }));
      const res = await app.request('/api/v1/ingest', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
      });
      expect(res.status).toBe(200);
      await store.close();
      writeFileSync(
        join(local.dir, 'assay.yaml'),
        'monitor:\n  evaluators: [{ type: contains, value: 30 days }]\n',
      );
      const { port } = collector.address() as AddressInfo;
      const r = await runCli(
        [
          'monitor',
          'run',
          '--once',
          '--from',
          '2026-11-20T00:00:00Z',
          '--to',
          '2026-11-21T00:00:00Z',
          '--db',
          db,
        ],
        {
          cwd: local.dir,
          env: {
            OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
            OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20monitor-secret',
          },
        },
      );
      expect(r.code, r.stderr).toBe(0);
      const stored = Number(/(\d+) online scores stored/.exec(r.stdout)?.[1]);
      expect(stored).toBeGreaterThan(0);
      expect(r.stderr).toContain(`assay monitor: ${stored} online-score spans exported over OTLP`);
      expect(`${r.stdout}${r.stderr}`).not.toContain('monitor-secret');
      expect(received.every((x) => x.auth === 'Bearer monitor-secret')).toBe(true);
      type Kv = { key: string; value: { stringValue?: string; doubleValue?: number } };
      const spans = received.flatMap(
        (x) =>
          (
            JSON.parse(x.body) as {
              resourceSpans: {
                scopeSpans: {
                  spans: { traceId: string; attributes: Kv[]; events: { attributes: Kv[] }[] }[];
                }[];
              }[];
            }
          ).resourceSpans[0]!.scopeSpans[0]!.spans,
      );
      expect(spans).toHaveLength(stored);
      for (const s of spans) {
        expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
        const evaluated = s.attributes.find((a) => a.key === 'assay.evaluated.trace_id')!.value.stringValue!;
        const i = Number(evaluated.replace('trace-', ''));
        const event = s.events[0]!.attributes;
        expect(event.find((a) => a.key === 'gen_ai.evaluation.name')!.value.stringValue).toBe('contains');
        expect(event.find((a) => a.key === 'gen_ai.evaluation.score.value')!.value.doubleValue).toBe(
          i % 4 === 0 ? 0 : 1,
        );
      }
    } finally {
      await new Promise((r) => collector.close(r));
      local.cleanup();
    }
  });
});
