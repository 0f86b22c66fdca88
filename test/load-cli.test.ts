import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { ensureBuilt } from './helpers/build.js';
import { runCli } from './helpers/cli.js';
import { makeSuite, numberedCases, openaiConfig, type TempSuite } from './helpers/suite.js';

// `assay load` runs as a child process (the real CLI); the fake server runs in this test process,
// so the two never share an event loop. Bounds are behaviour checks, generous for a busy machine.

const ENV = { TEST_API_KEY: 'sk-test-load' };

interface LoadJson {
  requests: number;
  sent: number;
  errors: number;
  errorRate: number;
  errorsByKind: Record<string, number>;
  throughputRps: number;
  latencyMs: { p50: number; p90: number; p95: number; p99: number; max: number };
  ttftMs: { p50: number } | null;
  slo: { metric: string; pass: boolean }[];
  faults?: {
    spec: string;
    counts: { passed: number; latency: number; error: number; timeout: number; reset: number };
  };
}

let server: FakeOpenAI;
let suite: TempSuite | undefined;
beforeAll(async () => {
  await ensureBuilt();
  server = await startFakeOpenAI({ latencyMs: 100, record: false });
}, 300_000);
afterAll(() => server.close());
afterEach(() => {
  suite?.cleanup();
  suite = undefined;
});

function loadSuite(extra: Record<string, unknown> = {}, baseURL = server.baseURL): TempSuite {
  suite = makeSuite({ cases: numberedCases(10), config: openaiConfig(baseURL, extra) });
  return suite;
}

async function load(args: string[], s: TempSuite) {
  const out = join(s.dir, 'load.json');
  const res = await runCli(['load', '-c', s.config, '--json', out, ...args], { cwd: s.dir, env: ENV });
  let json: LoadJson | undefined;
  try {
    json = JSON.parse(readFileSync(out, 'utf8')) as LoadJson;
  } catch {}
  return { ...res, json };
}

describe('assay load against a server with a fixed 100 ms latency', () => {
  it('open loop at 50 rps for 4 s: p50 from 100 ms, throughput at the rate, SLOs met', async () => {
    const s = loadSuite();
    const res = await load(['--rps', '50', '--duration', '4s'], s);
    expect(res.stderr).not.toMatch(/error:/);
    expect(res.code).toBe(0);
    const r = res.json!;
    expect(r.sent).toBe(200);
    expect(r.requests).toBe(200);
    expect(r.errors).toBe(0);
    // Lower bounds are physical (the server holds each request 100 ms); upper ones only catch a
    // wrong unit or a stalled generator: a busy CI machine stretches latencies, it is no bug.
    expect(r.latencyMs.p50).toBeGreaterThanOrEqual(95);
    expect(r.latencyMs.p50).toBeLessThan(1000);
    expect(Math.abs(r.throughputRps - 50) / 50).toBeLessThan(0.1);
    expect(r.slo.every((x) => x.pass)).toBe(true);
    expect(r.ttftMs).toBeNull();
    expect(res.stdout).toMatch(/Latency \(from when each request was due\)/);
    expect(res.stdout).toMatch(/Histogram/);
    expect(res.stdout).toMatch(/Time to first token: not measured/);
    expect(res.stdout).toMatch(/✓ p95<5000 ms/);
  }, 60_000);

  it('with --fault error=500@20%: about a fifth of the requests fail as 5xx, and the error SLO fails the run', async () => {
    const s = loadSuite();
    const res = await load(
      ['--rps', '100', '--duration', '4s', '--fault', 'error=500@20%', '--fault-seed', '7'],
      s,
    );
    expect(res.code).toBe(1);
    const r = res.json!;
    expect(r.requests).toBe(400);
    expect(r.errorRate).toBeGreaterThanOrEqual(0.15);
    expect(r.errorRate).toBeLessThanOrEqual(0.25);
    expect(r.errorsByKind['5xx']).toBe(r.errors);
    expect(r.faults).toEqual({
      spec: 'error=500@20%',
      counts: { passed: 400 - r.errors, latency: 0, error: r.errors, timeout: 0, reset: 0 },
    });
    expect(r.slo.find((x) => x.metric === 'errors')!.pass).toBe(false);
    expect(res.stdout).toMatch(/✗ errors<1%/);
    expect(res.stdout).toMatch(/fault injected by assay: HTTP 500/);
  }, 60_000);

  it('the same seed injects the same number of faults in the same number of requests', async () => {
    const s = loadSuite();
    const args = [
      '--rps',
      '100',
      '--duration',
      '1s',
      '--fault',
      'error=503@25%,reset@5%',
      '--fault-seed',
      '11',
    ];
    const a = (await load(args, s)).json!;
    const b = (await load(args, s)).json!;
    // One draw per request: whatever order the requests arrive in, 100 draws of one seed give the same faults.
    expect(a.requests).toBe(100);
    expect(b.faults).toEqual(a.faults);
    expect(a.errorsByKind['5xx']).toBe(a.faults!.counts.error);
    expect(a.errorsByKind.connection).toBe(a.faults!.counts.reset);
    expect(a.errors).toBe(a.faults!.counts.error + a.faults!.counts.reset);
  }, 60_000);

  it('closed loop with 5 workers: about 5 / 100 ms = 50 responses a second', async () => {
    const s = loadSuite();
    const res = await load(['--concurrency', '5', '--duration', '3s'], s);
    expect(res.code).toBe(0);
    const r = res.json!;
    expect(r.latencyMs.p50).toBeGreaterThanOrEqual(95);
    expect(r.latencyMs.p50).toBeLessThan(1000);
    // At most 5 / 100 ms (each worker waits for its answer); well above 5 / 1 s.
    expect(r.throughputRps).toBeGreaterThan(10);
    expect(r.throughputRps).toBeLessThan(52);
    expect(res.stdout).toMatch(/closed loop with 5 workers/);
  }, 60_000);

  it('exits 1 when an SLO from --slo, or from the config, is broken', async () => {
    const flagged = await load(['--rps', '20', '--duration', '1s', '--slo', 'p50<50'], loadSuite());
    expect(flagged.code).toBe(1);
    expect(flagged.stdout).toMatch(/✗ p50<50 ms/);
    const configured = await load(['--rps', '20', '--duration', '1s'], loadSuite({ slo: { p95: 60 } }));
    expect(configured.code).toBe(1);
    expect(configured.json!.slo).toEqual([expect.objectContaining({ metric: 'p95', pass: false })]);
  }, 60_000);

  it('counts a request without an answer in time as a timeout', async () => {
    const res = await load(['--rps', '20', '--duration', '1s', '--timeout', '50ms'], loadSuite());
    expect(res.code).toBe(1);
    // On a busy machine the generator may start one request fewer inside the second: whatever it
    // sent, every one of them must be a timeout (the server answers after 100 ms, the limit is 50 ms).
    expect(res.json!.requests).toBeGreaterThanOrEqual(15);
    expect(res.json!.errors).toBe(res.json!.requests);
    expect(res.json!.errorsByKind.timeout).toBe(res.json!.requests);
  }, 60_000);

  it('refuses bad usage with exit 2 and one line', async () => {
    const s = loadSuite({
      targets: [
        { id: 'a', provider: 'openai:m', baseURL: server.baseURL, apiKey: 'k' },
        { id: 'b', provider: 'openai:m', baseURL: server.baseURL, apiKey: 'k' },
      ],
    });
    const cases = [
      [['--duration', '1s'], /either --rps/],
      [['--rps', '5', '--concurrency', '2'], /either --rps/],
      [['--rps', '5'], /choose one with --target \(a, b\)/],
      [['--rps', '5', '--target', 'c'], /no target "c"/],
      [['--rps', '5', '--target', 'a', '--fault', 'error=500'], /--fault: "error=500": say how often/],
      [['--rps', '5', '--target', 'a', '--slo', 'p95<soon'], /--slo: p95 takes milliseconds/],
      // A bare number was seconds here and milliseconds in SLOs: every duration flag takes a unit.
      [
        ['--rps', '5', '--target', 'a', '--timeout', '2000'],
        /--timeout: "2000" has no unit: write 2000ms or 2000s/,
      ],
      [['--rps', '5', '--target', 'a', '--duration', '5'], /--duration: "5" has no unit: write 5ms or 5s/],
    ] as const;
    for (const [args, why] of cases) {
      const res = await runCli(['load', '-c', s.config, ...args], { cwd: s.dir, env: ENV });
      expect(res.code).toBe(2);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).toMatch(why);
    }
  }, 60_000);
});

describe('assay load --stream', () => {
  let sse: http.Server;
  let port: number;
  beforeAll(async () => {
    // An OpenAI-compatible server that streams: the first token after 40 ms, the rest 80 ms later.
    sse = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        setTimeout(() => {
          res.write('data: {"choices":[{"delta":{"role":"assistant","content":"Hel"}}]}\n\n');
          setTimeout(() => {
            res.write('data: {"choices":[{"delta":{"content":"lo"}}]}\n\n');
            res.end(
              'data: {"choices":[{"delta":{}}],"usage":{"prompt_tokens":3,"completion_tokens":2}}\n\ndata: [DONE]\n\n',
            );
          }, 80);
        }, 40);
      });
    });
    await new Promise<void>((r) => sse.listen(0, '127.0.0.1', r));
    port = (sse.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => sse.close(() => r())));

  it('measures the time to the first token apart from the whole answer', async () => {
    const s = loadSuite({}, `http://127.0.0.1:${port}/v1`);
    const res = await load(['--rps', '20', '--duration', '2s', '--stream'], s);
    expect(res.code).toBe(0);
    const r = res.json!;
    expect(r.errors).toBe(0);
    expect(r.ttftMs!.p50).toBeGreaterThanOrEqual(38);
    expect(r.ttftMs!.p50).toBeLessThan(r.latencyMs.p50);
    expect(r.latencyMs.p50).toBeGreaterThanOrEqual(118);
    expect(res.stdout).toMatch(/first token/);
  }, 60_000);

  it('says --stream is for openai targets', async () => {
    const s = makeSuite({
      cases: numberedCases(2),
      config: {
        dataset: './golden.jsonl',
        targets: [{ id: 'fn', provider: 'function', module: './app.mjs#a' }],
      },
    });
    suite = s;
    // The module must load: targets are checked before anything is sent.
    s.write('app.mjs', 'export const a = () => "x";\n');
    const res = await runCli(['load', '-c', s.config, '--rps', '5', '--stream'], { cwd: s.dir, env: ENV });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--stream needs a model target/);
  }, 60_000);
});
