// Distributed evaluation throughput (issue 17): one `assay worker` against two, each a process of
// its own at --concurrency 20, on a run of CASES cases against bench/fake-server.mjs answering in
// 50 ms (its own process). Run: npm run build && npx tsx bench/workers-throughput.ts [cases] [reps]
// Needs PostgreSQL (ASSAY_BENCH_PG_URL, default the test server) and pg-boss installed.
// ASSAY_BENCH_WORKER_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR' writes a CPU profile per worker.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startFakeServer } from './start-fake-server.js';

const root = new URL('..', import.meta.url).pathname;
const PG_URL = process.env.ASSAY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CASES = Number(process.argv[2] ?? 4000);
const REPS = Number(process.argv[3] ?? 3);
const CONCURRENCY = 20;
const LATENCY_MS = 50;

function writeSuite(dir: string, port: number): void {
  const rows: string[] = [];
  for (let i = 0; i < CASES; i++)
    rows.push(JSON.stringify({ id: `c${i}`, question: `q ${i}?`, expected: `${i}?` }));
  writeFileSync(join(dir, 'golden.jsonl'), `${rows.join('\n')}\n`);
  writeFileSync(
    join(dir, 'assay.yaml'),
    [
      'dataset: ./golden.jsonl',
      'prompt: "Answer briefly: {{ question }}"',
      'targets:',
      '  - id: bench',
      '    provider: openai:bench-model',
      `    baseURL: http://127.0.0.1:${port}/v1`,
      '    apiKey: bench-key',
      'evaluators:',
      '  - type: contains',
      '    value: "{{ expected }}"',
      '',
    ].join('\n'),
  );
}

/** Node options for the worker processes only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them. */
const WORKER_NODE_ARGS = (process.env.ASSAY_BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);

function cli(args: string[], cwd: string, env: Record<string, string>): ChildProcess {
  const node = args[0] === 'worker' ? WORKER_NODE_ARGS : [];
  return spawn(process.execPath, [...node, join(root, 'bin/assay.js'), ...args], {
    cwd,
    env: { ...process.env, ...env, CI: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

const waitFor = (child: ChildProcess, text: string) =>
  new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stderr!.on('data', (d) => {
      seen += d;
      if (seen.includes(text)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before "${text}":\n${seen.slice(-2000)}`)));
  });

/** User + system CPU seconds of a live process, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function sql<T>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

interface Measure {
  wallS: number;
  workS: number;
  /** The worker processes' CPU, summed, per case. */
  workerCpuMs: number;
}

/** One run with `workers` worker processes: the eval command's wall time and the work phase's. */
async function measure(workers: number, dir: string): Promise<Measure> {
  const schema = `bench_workers_${process.pid}_${Date.now().toString(36)}`;
  const queue = `${schema}_q`;
  await sql(`CREATE SCHEMA "${schema}"`);
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const env = { ASSAY_QUEUE_SCHEMA: queue };
  const procs: ChildProcess[] = [];
  try {
    // The store's migrations and the queue's schema are made before anything is timed.
    const first = cli(['worker', '--db', url, '--concurrency', String(CONCURRENCY)], dir, env);
    procs.push(first);
    await waitFor(first, 'waiting for work');
    for (let i = 1; i < workers; i++) {
      const w = cli(['worker', '--db', url, '--concurrency', String(CONCURRENCY)], dir, env);
      procs.push(w);
      await waitFor(w, 'waiting for work');
    }
    const cpuBefore = procs.reduce((sum, p) => sum + cpuSeconds(p.pid!), 0);
    const started = performance.now();
    const evalRun = cli(['eval', '-c', 'assay.yaml', '--db', url, '--workers', '--no-cache'], dir, env);
    let stderr = '';
    evalRun.stderr!.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((r) => evalRun.once('exit', r));
    const wallS = (performance.now() - started) / 1000;
    const workerCpuMs = ((procs.reduce((sum, p) => sum + cpuSeconds(p.pid!), 0) - cpuBefore) * 1000) / CASES;
    if (code !== 0) throw new Error(`assay eval --workers exited ${code}:\n${stderr.slice(-2000)}`);
    // From the first job taken to the last completed: what the workers did, without the
    // coordinator's start and close.
    const [phase] = await sql<{ s: number }>(
      `select extract(epoch from max(completed_on) - min(started_on))::float8 as s
         from "${queue}".job where name = 'assay-eval'`,
    );
    return { wallS, workS: phase!.s, workerCpuMs };
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : null)));
    await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${queue}" CASCADE`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

const server = await startFakeServer(LATENCY_MS);
const dir = mkdtempSync(join(tmpdir(), 'assay-bench-workers-'));
writeSuite(dir, server.port);
process.stdout.write(
  `${CASES} cases, ${LATENCY_MS} ms per answer, --concurrency ${CONCURRENCY} per worker; load average ${load()}\n`,
);
try {
  const results: Record<number, Measure[]> = { 1: [], 2: [] };
  // Alternated, so a change in the machine's load falls on both alike.
  for (let rep = 0; rep < REPS; rep++) {
    for (const workers of [1, 2]) {
      const m = await measure(workers, dir);
      results[workers]!.push(m);
      process.stdout.write(
        `  ${workers} worker(s): eval ${m.wallS.toFixed(2)} s, work phase ${m.workS.toFixed(2)} s, worker CPU ${m.workerCpuMs.toFixed(2)} ms/case (load ${load()})\n`,
      );
    }
  }
  const physical = (workers: number) => (CASES * LATENCY_MS) / 1000 / (CONCURRENCY * workers);
  for (const workers of [1, 2]) {
    const wall = median(results[workers]!.map((m) => m.wallS));
    const work = median(results[workers]!.map((m) => m.workS));
    const cpu = median(results[workers]!.map((m) => m.workerCpuMs));
    process.stdout.write(
      `${workers} worker(s): eval ${wall.toFixed(2)} s, work phase ${work.toFixed(2)} s = ${(CASES / work).toFixed(0)} cases/s (physical limit ${physical(workers).toFixed(1)} s), worker CPU ${cpu.toFixed(2)} ms/case\n`,
    );
  }
  const ratio = (key: 'wallS' | 'workS') =>
    median(results[1]!.map((m) => m[key])) / median(results[2]!.map((m) => m[key]));
  process.stdout.write(
    `two workers / one: ${ratio('workS').toFixed(2)}× in the work phase, ${ratio('wallS').toFixed(2)}× in the eval command's wall time; load average ${load()}\n`,
  );
} finally {
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}
