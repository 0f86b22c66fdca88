// Benchmark of the load generator (issue 6): can `assay load` drive 2,000 requests/s from this
// machine with a p99 it adds under 5 ms? Run: npx tsx bench/load.ts [seconds] [rps...]
//
// The fast server is bench/fake-server.mjs in a process of its own (LATENCY_MS=0), so it does not
// share the generator's event loop. The generator runs here, in process, through the same code as
// `assay load`: config → buildSuite → runLoad. Each line also runs a bare node:http client through
// the same scheduler, so what the framework adds (prompt rendering, provider, JSON parsing) shows,
// and one through the fault proxy (no fault picked), which shares the generator's event loop.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { startFaultProxy } from '../src/faults/fault-proxy.js';
import type { LoadResult } from '../src/load/load-recorder.js';
import { type LoadCall, runLoad } from '../src/load/run-load.js';
import { buildSuite } from '../src/suite/build-suite.js';
import { startFakeServer } from './start-fake-server.js';

async function suiteFor(dir: string, baseURL: string) {
  const rows = Array.from({ length: 100 }, (_, i) =>
    JSON.stringify({ id: `c${i}`, question: `question ${i}?` }),
  );
  writeFileSync(join(dir, 'golden.jsonl'), `${rows.join('\n')}\n`);
  const config = join(dir, 'assay.yaml');
  writeFileSync(
    config,
    [
      'dataset: ./golden.jsonl',
      'prompt: "Answer briefly: {{ question }}"',
      'targets:',
      '  - id: model',
      '    provider: openai:bench-model',
      `    baseURL: ${baseURL}`,
      '    apiKey: bench-key',
      '  - id: app',
      '    provider: http',
      `    url: ${baseURL}/chat/completions`,
      '    body: { messages: [{ role: user, content: "{{ question }}" }] }',
      '    output: choices.0.message.content',
      '',
    ].join('\n'),
  );
  return buildSuite(await loadConfig(config, {}), { env: {}, assayVersion: 'bench' });
}

/** A bare keep-alive node:http POST: the floor any client on this machine pays. */
function bareCall(url: string): LoadCall {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  return (_c, signal) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          signal,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', resolve);
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

const f = (x: number | null, d = 2) => (x === null ? '–' : x.toFixed(d));

function row(name: string, rps: number, r: LoadResult, cpuMs: number, wallMs: number) {
  console.log(
    `| ${name} | ${rps} | ${f(r.throughputRps, 0)} (${f(((r.throughputRps ?? 0) / rps) * 100, 1)}%) | ${r.errors} | ${f(r.latencyMs.p50)} | ${f(r.latencyMs.p99)} | ${f(r.latencyMs.max, 1)} | ${f(r.lagMs?.p99 ?? null)} | ${f((cpuMs / wallMs) * 100, 0)}% | ${f((cpuMs * 1000) / Math.max(1, r.sent), 0)} µs |`,
  );
}

async function measure(
  name: string,
  rps: number,
  seconds: number,
  target: Parameters<typeof runLoad>[0]['target'],
  cases: Parameters<typeof runLoad>[0]['cases'],
  call?: LoadCall,
) {
  // A short warm-up at the same rate: JIT and the first connections are not what is measured.
  await runLoad({ target, cases, rps, durationMs: 1000, timeoutMs: 5000, ...(call ? { call } : {}) });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runLoad({
    target,
    cases,
    rps,
    durationMs: seconds * 1000,
    timeoutMs: 5000,
    ...(call ? { call } : {}),
  });
  const cpu = process.cpuUsage(cpu0);
  row(name, rps, r, (cpu.user + cpu.system) / 1000, performance.now() - t0);
}

const seconds = Number(process.argv[2] ?? 10);
const rates = process.argv.slice(3).map(Number);
const server = await startFakeServer();
const dir = mkdtempSync(join(tmpdir(), 'assay-bench-load-'));
const proxy = await startFaultProxy({
  upstream: `http://127.0.0.1:${server.port}`,
  faults: [],
  random: Math.random,
});
try {
  const direct = await suiteFor(dir, `http://127.0.0.1:${server.port}/v1`);
  const proxied = await suiteFor(dir, `${proxy.url}/v1`);
  const [model, app] = direct.targets;
  const cases = direct.dataset.cases;
  console.log(
    `Node ${process.version}, ${seconds} s per line after 1 s of warm-up, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log('');
  console.log(
    '| client | requested rps | achieved rps | errors | p50 ms | p99 ms | max ms | start lag p99 ms | generator CPU | CPU per request |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  // The server process is fresh: warm it (and this process) up before the first line is measured.
  await runLoad({ target: model!, cases, rps: 1000, durationMs: 3000, timeoutMs: 5000 });
  for (const rps of rates.length ? rates : [2000]) {
    await measure('openai target', rps, seconds, model!, cases);
    await measure('http target', rps, seconds, app!, cases);
    await measure('openai target via fault proxy', rps, seconds, proxied.targets[0]!, cases);
    await measure(
      'bare node:http',
      rps,
      seconds,
      model!,
      cases,
      bareCall(`http://127.0.0.1:${server.port}/v1/chat/completions`),
    );
  }
} finally {
  await proxy.close();
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}
