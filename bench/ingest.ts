// Benchmark of `assay serve` ingestion (issue 13): spans acknowledged per second on the default
// SQLite store, the p99 time to acknowledge, and the server's peak RSS, for OTLP protobuf and JSON
// batches of 512 spans with realistic GenAI attributes (~1 KB of message content each).
//
// Run: npm run build && npx tsx bench/ingest.ts [protobuf|json] [offered spans/s | max] [seconds]
//   `max`: 8 senders back to back (closed loop), the capacity. A number: an open loop offering that
//   many spans a second (requests start on schedule whatever the latency); 503s are counted, not retried.
//   Trace and span ids look random, as real exporters' are; BENCH_RANDOM_IDS=0 counts them up (ingest-bodies.ts).
//   BENCH_DB=postgres://…: the server on that database (a fresh one per run) instead of a SQLite file.
//
// The server is the real CLI (`node bin/assay.js serve`) in a process of its own, so its peak RSS is
// its own (VmHWM from /proc). The client shares the machine's 2 cores with it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPANS, templates } from './ingest-bodies.js';

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
      process.env.BENCH_DB ?? join(dir, 'assay.db'),
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

/** CPU seconds of each of the server's threads, by thread id, with the name the thread gives itself. */
function threadCpu(pid: number): Map<number, { name: string; seconds: number }> {
  const out = new Map<number, { name: string; seconds: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`).map(Number)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      out.set(tid, { name, seconds: cpuSeconds(pid, tid) });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** A memory figure of the server from /proc, in MB: `VmRSS` now, `VmHWM` its peak. */
function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
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

/** The slowest 1% of acknowledgements, in the order sent: `seconds into the run:ms it took`. */
const slowest = (latencies: number[], sentAt: number[]) =>
  latencies
    .map((ms, i) => ({ ms, at: sentAt[i]! }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, Math.ceil(latencies.length / 100))
    .sort((a, b) => a.at - b.at)
    .map((r) => `${(r.at / 1000).toFixed(2)}s:${Math.round(r.ms)}ms`)
    .join(' ');

async function main() {
  const kind = (process.argv[2] ?? 'protobuf') as 'protobuf' | 'json';
  const offered = process.argv[3] ?? 'max';
  const seconds = Number(process.argv[4] ?? 10);
  const dir = mkdtempSync(join(tmpdir(), 'assay-bench-ingest-'));
  const { child, url, key } = await startServer(dir);
  const body = templates(kind);
  let n = 1;
  const latencies: number[] = [];
  // When each acknowledged request was sent (ms into the run), to place the slowest in time.
  const sentAt: number[] = [];
  let acked = 0;
  let refused = 0;
  let failed = 0;
  const failures: Record<string, number> = {};
  const one = async () => {
    const b = body.stamp(n++);
    const t0 = performance.now();
    const status = await send(url, key, b, body.contentType).catch(
      (e: NodeJS.ErrnoException) => e.code ?? e.message,
    );
    if (status === 200) {
      acked += SPANS;
      latencies.push(performance.now() - t0);
      sentAt.push(t0 - start);
    } else if (status === 503) refused += 1;
    else {
      failed += 1;
      // What a failure was: another status, or the client's error (a reset, a timeout).
      failures[status] = (failures[status] ?? 0) + 1;
    }
  };
  // Warm-up: JIT, the database file, the first pages of the indexes. (Its times are not kept.)
  let start = performance.now();
  for (let i = 0; i < 10; i++) await one();
  acked = 0;
  latencies.length = 0;
  sentAt.length = 0;
  const cpu0 = cpuSeconds(child.pid!);
  const threads0 = threadCpu(child.pid!);
  const client0 = process.cpuUsage();
  start = performance.now();
  const end = start + seconds * 1000;
  // RSS every 5 s: whether memory levels off under a sustained load or keeps climbing.
  const rssTrail: number[] = [];
  const trail = setInterval(() => rssTrail.push(Math.round(statusMb(child.pid!, 'VmRSS'))), 5000);
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
  clearInterval(trail);
  const rss = statusMb(child.pid!, 'VmHWM');
  const cpu = cpuSeconds(child.pid!) - cpu0;
  const threads1 = threadCpu(child.pid!);
  const mainCpu = threads1.get(child.pid!)!.seconds - threads0.get(child.pid!)!.seconds;
  // Each thread's CPU during the load, the busiest first (Node names its threads alike: the main one
  // is the process id, the decoding and checkpoint threads are the next busiest, then V8's helpers).
  const byThread = [...threads1]
    .map(([tid, { name, seconds }]) => ({
      thread: tid === child.pid ? 'main' : `${name}:${tid}`,
      ms: Math.round(((seconds - (threads0.get(tid)?.seconds ?? 0)) * 1e6) / Math.max(acked, 1)),
    }))
    .filter((t) => t.ms > 0)
    .sort((a, b) => b.ms - a.ms)
    .map((t) => `${t.thread}=${t.ms}`)
    .join(' ');
  const clientUsage = process.cpuUsage(client0);
  const clientCpu = (clientUsage.user + clientUsage.system) / 1e6;
  // Sessions whose signals were recomputed while the load ran, and those still waiting at its end.
  const metrics = await (
    await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${key}` } })
  ).text();
  const metric = (name: string) =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN);
  // The server finishes its pending signal recomputes before it exits: the time it takes is the
  // backlog that load left behind.
  const stop0 = performance.now();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  const stopMs = performance.now() - stop0;
  // Counted in the SQLite file only (BENCH_DB, a PostgreSQL URL, leaves them out).
  const signals = process.env.BENCH_DB
    ? { sessions: Number.NaN, withSignals: Number.NaN }
    : signalCoverage(join(dir, 'assay.db'));
  rmSync(dir, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      encoding: kind,
      offered: offered === 'max' ? 'max (8 senders)' : `${offered} spans/s`,
      bodyKB: Math.round(body.bytes / 1024),
      seconds: Number(elapsed.toFixed(1)),
      // When the run started (ms since the epoch): to line the slowest up with the server's own logs.
      startEpochMs: Math.round(performance.timeOrigin + start),
      ackedSpansPerSec: Math.round(acked / elapsed),
      ackP50ms: Number(pct(latencies, 50).toFixed(1)),
      ackP99ms: Number(pct(latencies, 99).toFixed(1)),
      refused503: refused,
      failed,
      ...(failed > 0 ? { failures } : {}),
      // Stalls show as slow acknowledgements sent within ms of each other.
      slowest: slowest(latencies, sentAt),
      serverPeakRssMB: Math.round(rss),
      serverRssEvery5sMB: rssTrail.join(' '),
      // CPU the server spent per 1,000 acknowledged spans: what a quiet core could do, whatever the load.
      serverCpuMsPer1kSpans: Math.round((cpu * 1e6) / Math.max(acked, 1)),
      // The main thread's share (HTTP, commits): the part that cannot spread over cores.
      mainThreadCpuMsPer1kSpans: Math.round((mainCpu * 1e6) / Math.max(acked, 1)),
      threadCpuMsPer1kSpans: byThread,
      // The load generator's own CPU per 1,000 acknowledged spans (it shares the machine's cores).
      clientCpuMsPer1kSpans: Math.round((clientCpu * 1e6) / Math.max(acked, 1)),
      // Sessions stored, and those with their signals computed (a `turns` signal) once the server stopped.
      sessions: signals.sessions,
      sessionsWithSignals: signals.withSignals,
      signalSessionsRecomputedDuringLoad: metric('assay_signal_sessions_recomputed_total'),
      signalSessionsPendingAtEnd: metric('assay_signal_sessions_pending'),
      stopMs: Math.round(stopMs),
      load1: Number(loadavg()[0]!.toFixed(2)),
    }),
  );
  agent.destroy();
}

await main();
