// Benchmark of `assay serve` ingestion (issue 13): spans acknowledged per second on the default
// SQLite store, the p99 time to acknowledge, and the server's peak RSS, for OTLP protobuf and JSON
// batches of 512 spans with realistic GenAI attributes (~1 KB of message content each).
//
// Run: npm run build && npx tsx bench/ingest.ts [protobuf|json] [offered spans/s | max] [seconds]
//   `max`: 8 senders back to back (closed loop), the capacity. A number: an open loop offering that
//   many spans a second (requests start on schedule whatever the latency); 503s are counted, not retried.
//
// The server is the real CLI (`node bin/assay.js serve`) in a process of its own, so its peak RSS is
// its own (VmHWM from /proc). The client shares the machine's 2 cores with it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const SPANS = 512;
const PER_TRACE = 8;
const MARK = 'feedface';
/** Stamped with the request number divided by TURNS: a session gets one turn in each of TURNS requests in a row. */
const SESSION_MARK = 'sessmark';
/** Stamped with the request number into each user message: a session's next turn is not a resend. */
const TEXT_MARK = 'textmark';
const TURNS = 4;

function words(n: number, seed: number): string {
  const vocab = [
    'the',
    'order',
    'ships',
    'refund',
    'policy',
    'customer',
    'account',
    'within',
    'days',
    'support',
    'invoice',
    'plan',
  ];
  return Array.from({ length: n }, (_, i) => vocab[(i * 7 + seed) % vocab.length]).join(' ');
}

/** One request's spans: 64 traces of an agent span and 7 LLM/tool children; ids carry MARK to be renumbered. */
function spans() {
  const out = [];
  for (let i = 0; i < SPANS; i++) {
    const t = Math.floor(i / PER_TRACE);
    const root = i % PER_TRACE === 0;
    const traceId = `${MARK}${t.toString(16).padStart(8, '0')}0000000000000000`;
    const spanId = `${MARK}${(i + 1).toString(16).padStart(8, '0')}`;
    const start = BigInt(Date.now()) * 1_000_000n;
    const attributes: Record<string, string | number> = root
      ? {
          'openinference.span.kind': 'AGENT',
          'session.id': `sess-${SESSION_MARK}-${t}`,
          'user.id': `user-${t % 13}`,
        }
      : {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
          'gen_ai.request.temperature': 0.2,
          'gen_ai.request.max_tokens': 512,
          'gen_ai.response.finish_reasons': 'stop',
          'gen_ai.usage.input_tokens': 180 + (i % 50),
          'gen_ai.usage.output_tokens': 60 + (i % 30),
          'gen_ai.conversation.id': `sess-${SESSION_MARK}-${t}`,
          'gen_ai.input.messages': JSON.stringify([
            { role: 'system', parts: [{ type: 'text', content: words(20, i) }] },
            { role: 'user', parts: [{ type: 'text', content: `${words(80, i + 1)} ${TEXT_MARK}` }] },
          ]),
          'gen_ai.output.messages': JSON.stringify([
            {
              role: 'assistant',
              parts: [{ type: 'text', content: words(60, i + 2) }],
              finish_reason: 'stop',
            },
          ]),
        };
    out.push({
      traceId,
      spanId,
      ...(root ? {} : { parentSpanId: `${MARK}${(t * PER_TRACE + 1).toString(16).padStart(8, '0')}` }),
      name: root ? 'handle request' : 'chat gpt-4o-mini',
      kind: root ? 2 : 3,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + 850_000_000n),
      attributes: Object.entries(attributes).map(([key, v]) => ({
        key,
        value:
          typeof v === 'string'
            ? { stringValue: v }
            : Number.isInteger(v)
              ? { intValue: String(v) }
              : { doubleValue: v },
      })),
      status: { code: 1 },
    });
  }
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] },
        scopeSpans: [{ scope: { name: 'bench' }, spans: out }],
      },
    ],
  };
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** The stamps of request `n`: its ids, its sessions (TURNS requests share them) and its texts. */
const stamps = (n: number): [string, string][] => [
  [SESSION_MARK, hex8(Math.floor(n / TURNS))],
  [TEXT_MARK, hex8(n)],
];

/**
 * A body template and a way to stamp a fresh request number into every id (so nothing is a resend):
 * each request carries 64 traces of 64 sessions, each session a conversation of TURNS traces.
 */
function templates(kind: 'protobuf' | 'json'): {
  stamp(n: number): Buffer;
  contentType: string;
  bytes: number;
} {
  const request = spans();
  if (kind === 'json') {
    const text = JSON.stringify(request);
    return {
      contentType: 'application/json',
      bytes: text.length,
      stamp: (n) => {
        let out = text.replaceAll(MARK, hex8(n));
        for (const [mark, value] of stamps(n)) out = out.replaceAll(mark, value);
        return Buffer.from(out);
      },
    };
  }
  const require = createRequire(import.meta.url);
  const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
  const T = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
  for (const s of request.resourceSpans[0]!.scopeSpans[0]!.spans as Record<string, unknown>[]) {
    for (const k of ['traceId', 'spanId', 'parentSpanId'])
      if (s[k]) s[k] = Buffer.from(s[k] as string, 'hex');
  }
  const template = Buffer.from(T.encode(T.fromObject(request)).finish());
  const mark = Buffer.from(MARK, 'hex');
  const at: number[] = [];
  for (let i = template.indexOf(mark); i >= 0; i = template.indexOf(mark, i + 1)) at.push(i);
  // The string marks are as long as their stamps (8 characters): no length prefix changes.
  const textAt = new Map<string, number[]>();
  for (const m of [SESSION_MARK, TEXT_MARK]) {
    const list: number[] = [];
    for (let i = template.indexOf(m); i >= 0; i = template.indexOf(m, i + 1)) list.push(i);
    textAt.set(m, list);
  }
  return {
    contentType: 'application/x-protobuf',
    bytes: template.length,
    stamp: (n) => {
      const b = Buffer.from(template);
      for (const i of at) b.writeUInt32BE(n, i);
      for (const [m, value] of stamps(n)) for (const i of textAt.get(m)!) b.write(value, i, 'latin1');
      return b;
    },
  };
}

async function startServer(dir: string): Promise<{ child: ChildProcess; url: string; key: string }> {
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      'bin/assay.js',
      'serve',
      '--port',
      '0',
      '--db',
      join(dir, 'assay.db'),
      ...(process.env.BENCH_THREADS ? ['--threads', process.env.BENCH_THREADS] : []),
      // e.g. "-c serve.yaml" to measure with a config (signals off, redaction on, ...).
      ...(process.env.BENCH_SERVE_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  for (;;) {
    const url = /listening on (\S+)/.exec(out)?.[1];
    const key = /\n {2}(assay_\S+)/.exec(out)?.[1];
    if (url && key) return { child, url, key };
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** CPU seconds the server process has used (user + system), from /proc. */
function cpuSeconds(pid: number, tid?: number): number {
  const path = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
  const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

function signalCoverage(file: string): { sessions: number; withSignals: number } {
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(file, { readonly: true });
  try {
    const count = (q: string) => (db.prepare(q).get() as { n: number }).n;
    return {
      sessions: count('select count(distinct session_id) as n from traces where session_id is not null'),
      withSignals: count("select count(distinct session_id) as n from signals where kind = 'turns'"),
    };
  } finally {
    db.close();
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function send(url: string, key: string, body: Buffer, contentType: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/v1/traces`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': contentType,
          'content-length': body.length,
          authorization: `Bearer ${key}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function main() {
  const kind = (process.argv[2] ?? 'protobuf') as 'protobuf' | 'json';
  const offered = process.argv[3] ?? 'max';
  const seconds = Number(process.argv[4] ?? 10);
  const dir = mkdtempSync(join(tmpdir(), 'assay-bench-ingest-'));
  const { child, url, key } = await startServer(dir);
  const body = templates(kind);
  let n = 1;
  const latencies: number[] = [];
  let acked = 0;
  let refused = 0;
  let failed = 0;
  const one = async () => {
    const b = body.stamp(n++);
    const t0 = performance.now();
    const status = await send(url, key, b, body.contentType).catch(() => -1);
    if (status === 200) {
      acked += SPANS;
      latencies.push(performance.now() - t0);
    } else if (status === 503) refused += 1;
    else failed += 1;
  };
  // Warm-up: JIT, the database file, the first pages of the indexes.
  for (let i = 0; i < 10; i++) await one();
  acked = 0;
  latencies.length = 0;
  const cpu0 = cpuSeconds(child.pid!);
  const main0 = cpuSeconds(child.pid!, child.pid!);
  const start = performance.now();
  const end = start + seconds * 1000;
  if (offered === 'max') {
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (performance.now() < end) await one();
      }),
    );
  } else {
    const rps = Number(offered) / SPANS;
    const inflight: Promise<void>[] = [];
    for (let i = 0; ; i++) {
      const due = start + (i * 1000) / rps;
      if (due >= end) break;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inflight.push(one());
    }
    await Promise.all(inflight);
  }
  const elapsed = (performance.now() - start) / 1000;
  const rss = peakRssMb(child.pid!);
  const cpu = cpuSeconds(child.pid!) - cpu0;
  const mainCpu = cpuSeconds(child.pid!, child.pid!) - main0;
  // The server finishes its pending signal recomputes before it exits: the time it takes is the
  // backlog that load left behind.
  const stop0 = performance.now();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  const stopMs = performance.now() - stop0;
  const signals = signalCoverage(join(dir, 'assay.db'));
  rmSync(dir, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      encoding: kind,
      offered: offered === 'max' ? 'max (8 senders)' : `${offered} spans/s`,
      bodyKB: Math.round(body.bytes / 1024),
      seconds: Number(elapsed.toFixed(1)),
      ackedSpansPerSec: Math.round(acked / elapsed),
      ackP50ms: Number(pct(latencies, 50).toFixed(1)),
      ackP99ms: Number(pct(latencies, 99).toFixed(1)),
      refused503: refused,
      failed,
      serverPeakRssMB: Math.round(rss),
      // CPU the server spent per 1,000 acknowledged spans: what a quiet core could do, whatever the load.
      serverCpuMsPer1kSpans: Math.round((cpu * 1e6) / Math.max(acked, 1)),
      // The main thread's share (HTTP, commits): the part that cannot spread over cores.
      mainThreadCpuMsPer1kSpans: Math.round((mainCpu * 1e6) / Math.max(acked, 1)),
      // Sessions stored, and those with their signals computed (a `turns` signal) once the server stopped.
      sessions: signals.sessions,
      sessionsWithSignals: signals.withSignals,
      stopMs: Math.round(stopMs),
      load1: Number(loadavg()[0]!.toFixed(2)),
    }),
  );
  agent.destroy();
}

await main();
