/**
 * `npx tsx bench/client.ts [events]`: what `assay/client` costs the app and how fast it delivers.
 * Starts a real `assay serve` (SQLite temp file), logs N realistic generations (~1 KB of content)
 * as fast as possible, and reports the caller's time per `log()` (the request-path cost: validate,
 * fill, serialize, queue) and the events/s acknowledged until `shutdown()` resolves. Median of 5.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient } from '../src/client/index.js';
import { createApiKey } from '../src/monitor/api-keys.js';
import { startServer } from '../src/server/main.js';

const N = Number(process.argv[2] ?? 20_000);
const filler = 'The order ships within two business days from the warehouse nearest to you. '.repeat(7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const logUs: number[] = [];
const perSecond: number[] = [];
for (let round = 0; round < 5; round++) {
  const db = join(mkdtempSync(join(tmpdir(), 'assay-bench-client-')), 'b.db');
  const server = await startServer({ host: '127.0.0.1', port: 0, db, print: () => {} });
  const key = (await createApiKey(server.store, 'bench')).token;
  const client = createClient({ url: server.url, apiKey: key, batchSize: 500, maxBuffer: N });
  const t0 = performance.now();
  for (let i = 0; i < N; i++)
    client.log({
      traceId: `r${round}-${i}`,
      model: 'gpt-4o-mini',
      provider: 'openai',
      input: [{ role: 'user', content: `Where is order ${i}?` }],
      output: filler,
      latencyMs: 800,
      usage: { inputTokens: 20, outputTokens: 120 },
      tags: { segment: i % 3 ? 'free' : 'pro' },
    });
  const t1 = performance.now();
  await client.shutdown();
  const t2 = performance.now();
  const stats = client.stats();
  if (stats.sent !== N) throw new Error(`sent ${stats.sent} of ${N} (dropped ${stats.dropped})`);
  logUs.push(((t1 - t0) * 1000) / N);
  perSecond.push(N / ((t2 - t0) / 1000));
  await server.close();
}
console.log(`events: ${N} per round, 5 rounds, batches of 500`);
console.log(`log() on the caller's path: median ${median(logUs).toFixed(2)} µs/event`);
console.log(`delivered and committed: median ${Math.round(median(perSecond))} events/s`);
