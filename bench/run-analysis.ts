/**
 * The run page's failure analysis on a big run: `npx tsx bench/run-analysis.ts [results]` (default
 * 100,000). Seeds a temporary SQLite store with one run of `results` results (one in 7 failing) and
 * no stored analysis (a run stored before analyses were kept), then times on the real `assay serve`:
 * its first `GET /api/v1/runs/{id}/analysis` (computes and stores it: what every first request paid
 * before), the same request to 7 freshly started servers (reads the stored analysis; median), and,
 * in process, `storeRunAnalysis` (what `assay eval` now pays once as the run ends).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeRunAnalysis } from '../src/report/stored-analysis.js';
import { startServer } from '../src/server/main.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { seedSyntheticRun } from '../test/fixtures/synthetic-runs.js';
import { startAssayServe } from '../test/helpers/web-server.js';

const RESULTS = Number(process.argv[2] ?? 100_000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-analysis-'));
const db = join(dir, 'assay.db');
try {
  const store = await openSqliteStore(db);
  const run = await seedSyntheticRun(store, {
    id: 'big',
    createdAt: '2025-02-01T00:00:00.000Z',
    size: RESULTS,
    failEvery: 7,
  });
  await store.close();
  const first = await startAssayServe(db);
  const key = first.key;
  const analysis = async (url: string) => {
    const t = performance.now();
    const res = await fetch(`${url}/api/v1/runs/big/analysis`, {
      headers: { authorization: `Bearer ${key}` },
    });
    if (!res.ok) throw new Error(`analysis: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { failed: number };
    return { ms: performance.now() - t, failed: body.failed };
  };
  const computed = await analysis(first.url);
  await first.close();
  const reads: number[] = [];
  for (let i = 0; i < 7; i++) {
    const server = await startServer({ db, port: 0, print: () => {} });
    const r = await analysis(server.url);
    if (r.failed !== computed.failed) throw new Error('the stored analysis differs from the computed one');
    reads.push(r.ms);
    await server.close();
  }
  const again = await openSqliteStore(db);
  const t = performance.now();
  await storeRunAnalysis(again, run);
  const atEnd = performance.now() - t;
  await again.close();
  console.log(
    `${RESULTS.toLocaleString('en-US')} results, ${computed.failed.toLocaleString('en-US')} failed`,
  );
  console.log('\n| measurement | time |\n| --- | --- |');
  console.log(`| first request, no analysis stored (computed, then stored) | ${fmt(computed.ms)} |`);
  console.log(`| request to a fresh server, analysis stored (median of 7) | ${fmt(median(reads))} |`);
  console.log(`| stored as the run ends (\`storeRunAnalysis\`, in process) | ${fmt(atEnd)} |`);
  console.log(`\nreads: ${reads.map(fmt).join(', ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
