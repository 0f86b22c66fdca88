import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { createApiKey } from '../src/monitor/api-keys.js';
import { OtlpJsonExporter } from '../src/otel/exporter.js';
import { otlpObserver } from '../src/otel/observer.js';
import { resultSpanIds } from '../src/otel/result-span.js';
import { type RunningServer, startServer } from '../src/server/main.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { runPipeline } from '../src/suite/run-pipeline.js';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { runCli } from './helpers/cli.js';
import { makeSuite, numberedCases, openaiConfig, tempDir } from './helpers/suite.js';

/**
 * `assay eval --otlp-endpoint`: every scored output reaches an OpenTelemetry backend as a span with
 * `gen_ai.evaluation.result` events — checked on the wire by a collector stub, and end to end by
 * `assay serve`, which reads those events back as the span's scores.
 */

const ENV = { TEST_API_KEY: 'sk-otel' };
let model: FakeOpenAI;

beforeAll(async () => {
  model = await startFakeOpenAI({ latencyMs: 1 });
});
afterAll(async () => {
  await model.close();
});

/** Two evaluators: one passes on every case, one only on the cases whose answer mentions "1". */
const evaluators = [
  { type: 'contains', name: 'mentions', value: '{{ expected }}' },
  { type: 'contains', name: 'one', value: '1' },
];

interface Received {
  headers: http.IncomingHttpHeaders;
  path: string;
  body: unknown;
}

/** A minimal OTLP/HTTP JSON collector: records each request and answers an ExportTraceServiceResponse. */
async function startCollector(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        headers: req.headers,
        path: req.url ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

type Kv = { key: string; value: Record<string, unknown> };
const attr = (list: Kv[], key: string) => list.find((a) => a.key === key)?.value;

describe('assay eval --otlp-endpoint', () => {
  it('sends one span per scored output, in the OTLP JSON encoding, with the headers from the environment', async () => {
    const collector = await startCollector();
    const suite = makeSuite({
      cases: numberedCases(12),
      config: openaiConfig(model.baseURL, { evaluators }),
    });
    try {
      const result = await runCli(['eval', '--db', suite.db], {
        cwd: suite.dir,
        env: {
          ...ENV,
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20otlp-secret-123,x-tenant=team-a',
        },
      });
      expect(result.stderr).toContain('12 spans exported over OTLP');
      expect(`${result.stdout}${result.stderr}`).not.toContain('otlp-secret-123');

      expect(collector.received.length).toBeGreaterThan(0);
      for (const r of collector.received) {
        expect(r.path).toBe('/v1/traces');
        expect(r.headers['content-type']).toBe('application/json');
        expect(r.headers.authorization).toBe('Bearer otlp-secret-123');
        expect(r.headers['x-tenant']).toBe('team-a');
      }
      type Body = {
        resourceSpans: {
          resource: { attributes: Kv[] };
          scopeSpans: { scope: { name: string }; spans: Record<string, unknown>[] }[];
        }[];
      };
      const bodies = collector.received.map((r) => r.body as Body);
      expect(attr(bodies[0]!.resourceSpans[0]!.resource.attributes, 'service.name')).toEqual({
        stringValue: 'assay',
      });
      const spans = bodies.flatMap((b) =>
        b.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans)),
      );
      expect(spans).toHaveLength(12);
      const caseIds = new Set<string>();
      for (const s of spans) {
        expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
        expect(s.kind).toBe(3);
        expect(s.name).toBe('chat fake-model');
        expect(s.startTimeUnixNano).toMatch(/^\d{19}$/);
        expect(BigInt(s.endTimeUnixNano as string)).toBeGreaterThanOrEqual(
          BigInt(s.startTimeUnixNano as string),
        );
        const attrs = s.attributes as Kv[];
        expect(attr(attrs, 'gen_ai.operation.name')).toEqual({ stringValue: 'chat' });
        expect(attr(attrs, 'gen_ai.provider.name')).toEqual({ stringValue: 'openai' });
        expect(attr(attrs, 'gen_ai.request.model')).toEqual({ stringValue: 'fake-model' });
        expect(attr(attrs, 'gen_ai.usage.input_tokens')).toMatchObject({
          intValue: expect.stringMatching(/^\d+$/),
        });
        const caseId = (attr(attrs, 'assay.case.id') as { stringValue: string }).stringValue;
        caseIds.add(caseId);
        const runId = (attr(attrs, 'assay.run.id') as { stringValue: string }).stringValue;
        expect(resultSpanIds({ runId, caseId, target: 'model', repeat: 0 })).toEqual({
          traceId: s.traceId,
          spanId: s.spanId,
        });

        const events = s.events as { name: string; timeUnixNano: string; attributes: Kv[] }[];
        expect(events.map((e) => e.name)).toEqual(['gen_ai.evaluation.result', 'gen_ai.evaluation.result']);
        const byName = new Map(
          events.map((e) => [
            (attr(e.attributes, 'gen_ai.evaluation.name') as { stringValue: string }).stringValue,
            e,
          ]),
        );
        expect(attr(byName.get('mentions')!.attributes, 'gen_ai.evaluation.score.value')).toEqual({
          doubleValue: 1,
        });
        expect(attr(byName.get('mentions')!.attributes, 'gen_ai.evaluation.score.label')).toEqual({
          stringValue: 'pass',
        });
        const one = byName.get('one')!.attributes;
        const n = Number(caseId.slice(1));
        const passes = String(n).includes('1');
        expect(attr(one, 'gen_ai.evaluation.score.value')).toEqual({ doubleValue: passes ? 1 : 0 });
        expect(attr(one, 'gen_ai.evaluation.score.label')).toEqual({ stringValue: passes ? 'pass' : 'fail' });
        expect(attr(one, 'gen_ai.evaluation.explanation')).toMatchObject({ stringValue: expect.any(String) });
        expect(s.status).toEqual({ code: 0 });
      }
      expect(caseIds.size).toBe(12);
    } finally {
      suite.cleanup();
      await collector.close();
    }
  });

  it('reports a collector that refuses the spans, without failing the run or printing the headers', async () => {
    const collector = http.createServer((_req, res) => res.writeHead(401).end('bad key'));
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const { port } = collector.address() as AddressInfo;
    const suite = makeSuite({ cases: numberedCases(3), config: openaiConfig(model.baseURL) });
    try {
      const result = await runCli(
        ['eval', '--db', suite.db, '--otlp-endpoint', `http://127.0.0.1:${port}/`],
        {
          cwd: suite.dir,
          env: { ...ENV, OTEL_EXPORTER_OTLP_HEADERS: 'api-key=otlp-secret-456' },
        },
      );
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(
        `assay: warning: 3 of 3 spans not exported over OTLP: POST http://127.0.0.1:${port}/v1/traces: HTTP 401: bad key`,
      );
      expect(`${result.stdout}${result.stderr}`).not.toContain('otlp-secret-456');
    } finally {
      suite.cleanup();
      await new Promise((r) => collector.close(r));
    }
  });

  it('a bad endpoint is a usage error naming the flag', async () => {
    const suite = makeSuite({ cases: numberedCases(1), config: openaiConfig(model.baseURL) });
    try {
      const result = await runCli(['eval', '--otlp-endpoint', 'grpc://collector:4317'], {
        cwd: suite.dir,
        env: ENV,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        '--otlp-endpoint: an OTLP/HTTP endpoint is http:// or https://, not grpc:',
      );
    } finally {
      suite.cleanup();
    }
  });
});

describe('scores exported to assay serve', () => {
  let server: RunningServer;
  const suite = tempDir('assay-otel-serve-');

  beforeAll(async () => {
    server = await startServer({ port: 0, db: `${suite.dir}/serve.db`, print: () => {} });
  });
  afterAll(async () => {
    await server?.close();
    suite.cleanup();
  });

  it('shows each case as a span whose scores are the run’s scores', async () => {
    const key = (await createApiKey(server.store, 'eval-export')).token;
    const config = makeSuite({
      cases: numberedCases(5),
      config: openaiConfig(model.baseURL, { evaluators }),
    });
    const store = await openSqliteStore(config.db);
    try {
      const loaded = await loadConfig(config.config, ENV);
      const otlp = otlpObserver(
        { url: `${server.url}/v1/traces`, headers: { authorization: `Bearer ${key}` } },
        { model: { provider: 'openai:fake-model' } },
      );
      const { run } = await runPipeline(loaded, {
        store,
        build: { env: ENV, assayVersion: 'test' },
        observers: [otlp],
      });
      expect(await otlp.close()).toEqual({ exported: 5, failed: 0 });

      for await (const r of store.results(run.id)) {
        const { traceId, spanId } = resultSpanIds(r);
        const res = await fetch(`${server.url}/api/v1/traces/${traceId}`, {
          headers: { authorization: `Bearer ${key}` },
        });
        expect(res.status).toBe(200);
        const body = (await res.json()) as {
          spans: {
            spanId: string;
            kind: string;
            model: string | null;
            outputText: string;
            scores: {
              name: string;
              value: number | null;
              label: string | null;
              explanation: string | null;
            }[];
          }[];
        };
        expect(body.spans).toHaveLength(1);
        const span = body.spans[0]!;
        expect(span.spanId).toBe(spanId);
        expect(span.kind).toBe('llm');
        expect(span.model).toBe('fake-model');
        expect(span.outputText).toBe(r.output!.text);
        const scores = [...span.scores].sort((a, b) => a.name.localeCompare(b.name));
        const expected = [...r.scores]
          .sort((a, b) => a.evaluator.localeCompare(b.evaluator))
          .map((s) => ({
            name: s.evaluator,
            value: s.value,
            label: s.pass ? 'pass' : 'fail',
            explanation: s.reason ?? null,
            source: 'otlp',
          }));
        expect(scores).toEqual(expected);
      }
    } finally {
      await store.close();
      config.cleanup();
    }
  });
});

describe('OtlpJsonExporter against a collector that pushes back', () => {
  it('retries a 503, then counts the spans a partialSuccess rejected as failed', async () => {
    const answers = [
      (res: http.ServerResponse) => res.writeHead(503).end('busy'),
      (res: http.ServerResponse) =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ partialSuccess: { rejectedSpans: '1', errorMessage: 'span 2: bad' } })),
    ];
    let hits = 0;
    const collector = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => answers[Math.min(hits++, answers.length - 1)]!(res));
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const { port } = collector.address() as AddressInfo;
    try {
      const exporter = new OtlpJsonExporter({ url: `http://127.0.0.1:${port}/v1/traces`, batchSize: 3 });
      for (const n of [1, 2, 3])
        exporter.add({
          traceId: n.toString(16).padStart(32, '0'),
          spanId: n.toString(16).padStart(16, '0'),
          name: `span ${n}`,
          kind: 1,
          startTimeUnixNano: '1000000',
          endTimeUnixNano: '2000000',
          attributes: [],
          events: [],
          status: { code: 0 },
        });
      const tally = await exporter.close();
      expect(hits).toBe(2);
      expect(tally.exported).toBe(2);
      expect(tally.failed).toBe(1);
      expect(tally.error).toMatch(/rejected 1 spans/);
    } finally {
      await new Promise((r) => collector.close(r));
    }
  });
});
