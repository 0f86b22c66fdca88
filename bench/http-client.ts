// What one keep-alive request costs the client in CPU: our node:http client vs the global fetch.
// Run: npx tsx bench/http-client.ts. The server is another process, so only the client is measured.
import { request } from '../src/providers/http-client.js';
import { startFakeServer } from './start-fake-server.js';

const N = 20_000;
const CONCURRENCY = 50;

async function measure(name: string, send: (url: string, body: string) => Promise<unknown>, url: string) {
  const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello there' }] });
  for (let i = 0; i < 500; i++) await send(url, body); // warm up sockets and JIT
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < N) await send(url, body);
    }),
  );
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const perReq = (cpu.user + cpu.system) / 1000 / N;
  console.log(`| ${name} | ${N} | ${(wall / 1000).toFixed(2)} s | ${perReq.toFixed(3)} ms |`);
  return perReq;
}

const server = await startFakeServer();
const port = server.port;
const url = `http://127.0.0.1:${port}/v1/chat/completions`;
console.log('| client | requests | wall | client CPU per request |');
console.log('|---|---|---|---|');
try {
  for (let round = 0; round < 2; round++) {
    await measure(
      'node:http (src/providers/http-client.ts)',
      (u, b) => request({ url: u, body: b, timeoutMs: 10_000 }),
      url,
    );
    await measure(
      'global fetch',
      async (u, b) =>
        (await fetch(u, { method: 'POST', body: b, headers: { 'content-type': 'application/json' } })).json(),
      url,
    );
  }
} finally {
  server.stop();
}
