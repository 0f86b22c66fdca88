/**
 * The web app on real volumes: `npx tsx bench/web.ts [results]` (default 100,000). Seeds a
 * temporary SQLite store with 50 small runs and one run of `results` results, starts `assay serve`
 * on it and times, median of 7: the runs API, the run API, a case-table page
 * (unfiltered, filtered, searched, sorted), and — with /usr/bin/chromium — the runs page and the big
 * run's page opening in headless Chromium until their tables are drawn. The monitoring queries have
 * their own benchmark over a million traces: bench/monitor-queries.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../src/store/sqlite.js';
import { seedSyntheticRun } from '../test/fixtures/synthetic-runs.js';
import { HAVE_CHROMIUM, launchChromium } from '../test/helpers/chromium.js';
import { startAssayServe } from '../test/helpers/web-server.js';

const RESULTS = Number(process.argv[2] ?? 100_000);
const N = 7;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

async function time(fn: () => Promise<unknown>, n = N): Promise<number> {
  await fn();
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-web-'));
const db = join(dir, 'assay.db');
try {
  const t = performance.now();
  const store = await openSqliteStore(db);
  for (let i = 0; i < 50; i++)
    await seedSyntheticRun(store, {
      id: `small-${String(i).padStart(2, '0')}`,
      createdAt: new Date(Date.UTC(2025, 0, 1, i)).toISOString(),
      size: 200,
      failEvery: 5 + (i % 7),
    });
  await seedSyntheticRun(store, {
    id: 'big',
    createdAt: '2025-02-01T00:00:00.000Z',
    size: RESULTS,
    failEvery: 7,
  });
  await store.close();
  console.log(
    `seeded 50 runs of 200 and one of ${RESULTS.toLocaleString('en-US')} results in ${fmt(performance.now() - t)}`,
  );

  const server = await startAssayServe(db);
  const key = server.key;
  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const rows: [string, number][] = [];
  const measure = async (label: string, path: string) => rows.push([label, await time(() => get(path))]);
  await measure('GET /api/v1/runs (51 runs)', '/api/v1/runs');
  await measure('GET /api/v1/runs/big (summary, gates, artifacts)', '/api/v1/runs/big');
  await measure('case table, first page of 50', '/api/v1/runs/big/results?limit=50');
  await measure('case table, page 1,000', '/api/v1/runs/big/results?limit=50&offset=50000');
  await measure('case table, status=fail', '/api/v1/runs/big/results?status=fail');
  await measure('case table, stratum type=billing', '/api/v1/runs/big/results?tag=type%3Dbilling');
  await measure('case table, failed evaluator', '/api/v1/runs/big/results?evaluator=contains');
  await measure('case table, search "not sure"', '/api/v1/runs/big/results?q=not%20sure');
  await measure('case table, sorted by latency desc', '/api/v1/runs/big/results?sort=latency&order=desc');
  await measure('case table, sorted by score', '/api/v1/runs/big/results?sort=score&sortEvaluator=similar');
  await measure(
    'a case',
    `/api/v1/runs/big/results/${((await get('/api/v1/runs/big/results?limit=1')) as { rows: { id: number }[] }).rows[0]!.id}`,
  );
  const analysis = performance.now();
  await get('/api/v1/runs/big/analysis');
  rows.push([
    'failure analysis, first request of a run stored without one (then stored)',
    performance.now() - analysis,
  ]);

  if (HAVE_CHROMIUM) {
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/`);
    const open = async (path: string, ready: () => Promise<unknown>) =>
      time(async () => {
        await page.goto(`${server.url}${path}`);
        await ready();
      }, 5);
    rows.push([
      'browser: runs page, navigation to table drawn',
      await open('/', () => page.locator('table.data tbody tr').nth(50).waitFor()),
    ]);
    rows.push([
      `browser: run of ${RESULTS.toLocaleString('en-US')} results, navigation to summary and case table drawn`,
      await open('/runs/big', () =>
        page
          .getByTestId('result-count')
          .filter({ hasText: RESULTS.toLocaleString('en-US') })
          .waitFor(),
      ),
    ]);
    await browser.close();
  }

  await server.close();

  console.log('\n| measurement | median |\n| --- | --- |');
  for (const [label, ms] of rows) console.log(`| ${label} | ${fmt(ms)} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
