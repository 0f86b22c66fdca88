import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { ensureBuilt } from './helpers/build.js';
import { type RunningCli, spawnCli } from './helpers/cli.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { makeSuite, numberedCases, openaiConfig, type TempSuite } from './helpers/suite.js';

// Issue 17: `assay eval --workers` enqueues a run's cases on PostgreSQL (pg-boss); `assay worker`s
// process them. One worker is killed with SIGKILL mid-run; its chunk expires and is handed to the
// other worker, which keeps the results already stored and calls only what was not.

const CASES = 2000;
const CONCURRENCY = 10;
const probe = await probePostgres();

describe.runIf(probe.ok || process.env.CI)('distributed evaluation on PostgreSQL', () => {
  let server: FakeOpenAI;
  let suite: TempSuite;
  const schema = freshSchema('assay_dist');
  const queueSchema = `${schema}_q`;
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const env = { TEST_API_KEY: 'sk-test-dist', ASSAY_QUEUE_SCHEMA: queueSchema };
  const workers: RunningCli[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    await pgExec(`CREATE SCHEMA "${schema}"`);
    server = await startFakeOpenAI({ record: false, latencyMs: 20 });
    suite = makeSuite({ cases: numberedCases(CASES), config: openaiConfig(server.baseURL) });
  }, 600_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await server?.close();
    suite?.cleanup();
    await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${queueSchema}" CASCADE`);
  });

  it('two workers, one killed with SIGKILL mid-run: exactly one result per case, few calls again', async () => {
    const worker = () =>
      spawnCli(['worker', '--db', url, '--concurrency', String(CONCURRENCY)], {
        cwd: suite.dir,
        env,
        timeoutMs: 120_000,
      });
    // The doomed worker runs alone until it is inside a chunk (chunks are 50 cases, so a call count
    // 10–40 past a multiple of 50 means it holds a job), then dies; the survivor joins and must
    // finish everything, the killed worker's expired chunk included.
    const doomed = worker();
    workers.push(doomed);
    const evalRun = spawnCli(
      ['eval', '-c', suite.config, '--db', url, '--workers', '--job-expiry', '10', '--project', 'team-a'],
      {
        cwd: suite.dir,
        env,
        timeoutMs: 120_000,
      },
    );
    const insideChunk = () =>
      server.stats.chat >= 200 && server.stats.chat % 50 >= 10 && server.stats.chat % 50 <= 40;
    while (!insideChunk() && evalRun.child.exitCode === null && doomed.child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 5));
    }
    doomed.child.kill('SIGKILL');
    const survivor = worker();
    workers.push(survivor);
    const done = await evalRun.done;
    expect(done.stderr).not.toMatch(/assay: error/);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/stored in/);

    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const { rows } = await client.query(
        `select count(*)::int as n, count(distinct (target, case_id, repeat))::int as keys,
                sum(case when error is null then 0 else 1 end)::int as errors
           from "${schema}".results`,
      );
      expect(rows[0]).toEqual({ n: CASES, keys: CASES, errors: 0 });
      // The run is stored under the project given with --project.
      const runs = await client.query(`select status, project from "${schema}".runs`);
      expect(runs.rows).toEqual([{ status: 'completed', project: 'team-a' }]);
      // Its failure analysis was stored as it closed, for the run page to read.
      const analyses = await client.query(
        `select count(*)::int as n from "${schema}".artifacts where kind = 'failure-analysis'`,
      );
      expect(analyses.rows[0].n).toBe(1);
      // The killed worker's chunk expired and was handed out again.
      const retried = await client.query(
        `select count(*)::int as n from "${queueSchema}".job where retry_count > 0`,
      );
      expect(retried.rows[0].n).toBeGreaterThanOrEqual(1);
    } finally {
      await client.end();
    }
    // Called again: at most the killed worker's calls in flight and its results not yet written.
    expect(server.stats.chat).toBeGreaterThanOrEqual(CASES);
    expect(server.stats.chat - CASES).toBeLessThanOrEqual(2 * CONCURRENCY);
    survivor.child.kill('SIGTERM');
    expect((await survivor.done).code).toBe(0);
  }, 120_000);
});
