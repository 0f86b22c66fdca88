// Benchmarks of the evaluation core (issue 2). Run: npx tsx bench/eval.ts [startup|throughput|cpu|memory]...
// Each scenario runs the real CLI as a child process against bench/fake-server.mjs (a process of
// its own, so its CPU is not counted), measured by /usr/bin/time: wall time, user+system CPU, peak RSS.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeServer } from './start-fake-server.js';

const root = new URL('..', import.meta.url).pathname;

function writeSuite(dir: string, n: number, port: number): string {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const tags = { type: ['a', 'b', 'c'][i % 3], difficulty: ['easy', 'hard'][i % 2] };
    rows.push(JSON.stringify({ id: `c${i}`, question: `question number ${i}?`, expected: `${i}?`, tags }));
  }
  writeFileSync(join(dir, 'golden.jsonl'), `${rows.join('\n')}\n`);
  const config = join(dir, 'assay.yaml');
  writeFileSync(
    config,
    [
      'dataset: ./golden.jsonl',
      'prompt: "Answer briefly: {{ question }}"',
      'targets:',
      '  - id: bench',
      '    provider: openai:bench-model',
      `    baseURL: http://127.0.0.1:${port}/v1`,
      '    apiKey: bench-key',
      '    params: { temperature: 0 }',
      'evaluators:',
      '  - type: contains',
      '    value: "{{ expected }}"',
      '  - type: regex',
      '    value: "^Answer"',
      '  - type: latency',
      '    max: 5000',
      '',
    ].join('\n'),
  );
  return config;
}

interface Measure {
  wallS: number;
  cpuS: number;
  maxRssMb: number;
  exit: number | null;
}

function runCli(config: string, db: string, concurrency: number): Measure {
  const args = [
    '-f',
    'TIME %e %U %S %M',
    process.execPath,
    join(root, 'bin/assay.js'),
    'eval',
    '-c',
    config,
    '--db',
    db,
    '--no-cache',
    '--concurrency',
    String(concurrency),
  ];
  const r = spawnSync('/usr/bin/time', args, {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = r.stderr.split('\n').find((l) => l.startsWith('TIME '));
  if (!line) throw new Error(`no timing output:\n${r.stderr.slice(-2000)}`);
  const [, e, u, s, m] = line.split(' ').map(Number) as number[];
  return { wallS: e!, cpuS: u! + s!, maxRssMb: m! / 1024, exit: r.status };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function scenario(name: string, n: number, latencyMs: number, concurrency: number, reps: number) {
  const server = await startFakeServer(latencyMs);
  const dir = mkdtempSync(join(tmpdir(), 'assay-bench-'));
  try {
    const config = writeSuite(dir, n, server.port);
    const runs: Measure[] = [];
    for (let i = 0; i < reps; i++) runs.push(runCli(config, join(dir, `db-${i}.sqlite`), concurrency));
    const wall = median(runs.map((r) => r.wallS));
    const cpu = median(runs.map((r) => r.cpuS));
    const rss = Math.max(...runs.map((r) => r.maxRssMb));
    const limit = (n * latencyMs) / 1000 / concurrency;
    console.log(
      `| ${name} | ${n} | ${latencyMs} | ${concurrency} | ${wall.toFixed(2)} s${limit ? ` (${(wall / limit).toFixed(2)}× the ${limit.toFixed(1)} s limit)` : ''} | ${((cpu / n) * 1000).toFixed(3)} ms | ${rss.toFixed(0)} MB | exit ${runs.map((r) => r.exit).join(',')} |`,
    );
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const which = process.argv.slice(2);
const want = (s: string) => which.length === 0 || which.includes(s);
console.log(
  '| scenario | cases | server latency (ms) | concurrency | wall (median) | CPU per case | peak RSS | |',
);
console.log('|---|---|---|---|---|---|---|---|');
// Start-up: one case, so the CPU per case is the whole run's fixed cost (module loading, store).
if (want('startup')) await scenario('startup', 1, 0, 1, 7);
if (want('throughput')) await scenario('throughput', 10_000, 50, 50, 3);
if (want('cpu')) await scenario('cpu', 10_000, 0, 50, 3);
if (want('memory')) await scenario('memory', 100_000, 0, 50, 1);
