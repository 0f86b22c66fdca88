import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { monitorSchema } from '../src/config/monitor.js';
import { loadTraffic, writeOnlineScores } from '../src/monitor/from-store.js';
import { createOnlineEvaluators } from '../src/monitor/online-eval.js';
import { runMonitor } from '../src/monitor/run-monitor.js';
import { standaloneModelCaller } from '../src/runner/call-model.js';
import { openStores } from '../src/store/open.js';
import { backfillTraffic } from './helpers/backfill-traffic.js';
import { ensureBuilt } from './helpers/build.js';
import { spawnCli } from './helpers/cli.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { DAY, START, syntheticTraffic } from './helpers/synthetic-traffic.js';

// Issue 17: `assay monitor run --once` (from cron) takes the same claim as the monitor worker of
// `assay serve` (the advisory lock per project and job on PostgreSQL). Started while a server's pass
// holds it — traffic loaded and scored, scores not yet written — it waits, then finds the traces
// scored and scores none of them again.

const probe = await probePostgres();
const schema = freshSchema('assay_mclaim');
const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
const dir = mkdtempSync(join(tmpdir(), 'assay-monitor-claim-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (probe.ok) await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
});

describe.runIf(probe.ok || process.env.CI)('assay monitor run beside a server on PostgreSQL', () => {
  it("waits for a server's monitor pass and scores no trace twice", { timeout: 180_000 }, async () => {
    await ensureBuilt();
    await pgExec(`CREATE SCHEMA "${schema}"`);
    const stores = await openStores(url);
    try {
      const traffic = syntheticTraffic({ days: 2, perDay: 30, seed: 3 });
      const projectId = await backfillTraffic(stores.traces, traffic);
      const monitor = { evaluators: [{ type: 'contains', value: 'days' }], sampling: { rate: 1 } };
      writeFileSync(join(dir, 'assay.yaml'), `monitor: ${JSON.stringify(monitor)}\n`);
      const config = monitorSchema.parse(monitor);
      const evaluators = await createOnlineEvaluators(config.evaluators, {
        baseDir: dir,
        loadModule: async () => ({}),
        env: {},
      });
      const from = new Date(START).toISOString();
      const to = new Date(START + 2 * DAY).toISOString();

      let cli: ReturnType<typeof spawnCli> | undefined;
      // The server's pass, under its claim, as the monitor worker runs it.
      const outcome = await stores.claims.runOnce(projectId, 'monitor', START, async () => {
        const report = await runMonitor({
          config,
          from: START,
          to: START + 2 * DAY,
          window: DAY,
          traffic: (a, b) => loadTraffic(stores.traces, projectId, a, b),
          embed: async (texts) => texts.map((t) => [t.length % 7, t.charCodeAt(0) % 5, 1]),
          evaluators,
          models: standaloneModelCaller().models,
        });
        expect(report.newScores.length).toBeGreaterThan(0);
        cli = spawnCli(['monitor', 'run', '--once', '--from', from, '--to', to, '--db', url], {
          cwd: dir,
          timeoutMs: 120_000,
        });
        // The cron'd run either waits for this pass or (without the claim) runs through.
        while (!cli.stderr().includes('waiting') && cli.child.exitCode === null)
          await new Promise((r) => setTimeout(r, 20));
        await writeOnlineScores(stores.traces, projectId, report.newScores, Date.now());
      });
      expect(outcome).toBe('ran');
      const done = await cli!.done;
      expect(done.code, done.stderr).toBe(0);

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query(
          `select count(*)::int as n, count(distinct trace_id)::int as traces
             from span_scores where source = 'monitor'`,
        );
        expect(rows[0].traces).toBeGreaterThan(0);
        // One online score per trace: the cron'd run found every trace scored.
        expect(rows[0].n).toBe(rows[0].traces);
      } finally {
        await client.end();
      }
      expect(done.stdout).not.toMatch(/online scores stored/);
      expect(done.stderr).toContain("waiting for a running server's monitor pass to finish");
    } finally {
      await stores.traces.close();
    }
  });
});
