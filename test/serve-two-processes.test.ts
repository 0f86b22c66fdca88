import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/monitor/api-keys.js';
import { openStores } from '../src/store/open.js';
import { sendTrace } from './helpers/alternate-traffic.js';
import { ensureBuilt } from './helpers/build.js';
import { type RunningCli, spawnCli } from './helpers/cli.js';
import { freshSchema, PG_URL, pgExec, pgQuery, probePostgres } from './helpers/postgres.js';
import { until } from './helpers/until.js';

/**
 * Two `assay serve` processes (the CLI, spawned) on one PostgreSQL, with a monitor whose windows
 * close every 2 s in real time and which both look for every 100 ms: spans sent alternately to both
 * are stored once, and each window's pass runs once across both (one online score per trace).
 * test/serve-two-instances.test.ts is the in-process version, with a clock the test moves.
 */

const probe = await probePostgres();
const schema = freshSchema('assay_serve2p');
const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
const dir = mkdtempSync(join(tmpdir(), 'assay-serve-2p-'));
const WINDOW = 2_000;
const servers: RunningCli[] = [];
afterAll(async () => {
  for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  if (probe.ok) await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

const query = <T>(sql: string) => pgQuery<T>(sql, url);

describe.runIf(probe.ok || process.env.CI)('two assay serve processes on one PostgreSQL', () => {
  it('store each span once and score each trace once', { timeout: 180_000 }, async () => {
    await ensureBuilt();
    await pgExec(`CREATE SCHEMA "${schema}"`);
    // The store and its project made first, so neither server bootstraps one of its own.
    const stores = await openStores(url);
    const { token } = await createApiKey(stores.traces, 'default');
    await stores.traces.close();
    writeFileSync(
      join(dir, 'assay.yaml'),
      `monitor:
  checkEvery: 100ms
  sampling: { rate: 1 }
  evaluators: [{ type: contains, value: "30 days" }]
  drift: { window: 2s, inputs: off }
`,
    );
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const server = spawnCli(['serve', '--db', url, '-c', 'assay.yaml', '--port', String(port)], {
        cwd: dir,
        timeoutMs: 170_000,
      });
      servers.push(server);
      await until('the server to listen', async () => {
        if (server.child.exitCode !== null) throw new Error(`serve exited: ${server.stderr()}`);
        return server.stdout().includes('assay: listening on');
      });
      urls.push(`http://127.0.0.1:${port}`);
    }

    // 40 traces, sent alternately to both processes, over OTLP and native ingest, stamped now.
    let last = 0;
    for (let i = 0; i < 40; i++) {
      last = Date.now();
      expect(await sendTrace(urls[i % 2]!, token, i, last)).toBe(200);
    }
    await until('the spans to be committed', async () => {
      const [row] = await query<{ n: number }>('select count(*)::int as n from spans');
      return row!.n >= 40;
    });
    // Every window up to the last trace's has had its pass, by one process or the other.
    const lastWindow = Math.floor(last / WINDOW) * WINDOW;
    await until('the monitor passes', async () => {
      const [row] = await query<{ n: number }>(
        `select count(*)::int as n from monitor_passes where job = 'monitor' and window_start >= ${lastWindow}`,
      );
      return row!.n >= 1;
    });
    for (const s of servers) s.child.kill('SIGTERM');
    for (const s of servers) {
      const done = await s.done;
      expect(done.code, done.stderr).toBe(0);
      expect(done.stderr).not.toMatch(/assay: monitor:/);
    }

    const [spans] = await query<{ n: number; distinct: number }>(
      `select count(*)::int as n, count(distinct (trace_id, span_id))::int as distinct from spans`,
    );
    expect(spans).toEqual({ n: 40, distinct: 40 });
    // One pass per window: every trace scored online once, not once per process.
    const [scores] = await query<{ n: number; distinct: number }>(
      `select count(*)::int as n, count(distinct trace_id)::int as distinct from span_scores where source = 'monitor'`,
    );
    expect(scores).toEqual({ n: 40, distinct: 40 });
    // The windows passed follow each other, none missing.
    const marks = await query<{ window_start: string }>(
      `select window_start from monitor_passes where job = 'monitor' order by window_start`,
    );
    const starts = marks.map((m) => Number(m.window_start));
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBe(WINDOW);
  });
});
