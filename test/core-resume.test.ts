import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { makeSuite, numberedCases, openaiConfig, type TempSuite } from './helpers/suite.js';

// Child processes and real sockets: generous on a loaded machine, though each takes seconds.
vi.setConfig({ testTimeout: 120_000 });

const ENV = { TEST_API_KEY: 'sk-test-resume' };

/** Reads the store the CLI is writing, through its own connection (WAL lets both work). */
function query<T>(db: string, sql: string, ...params: unknown[]): T[] {
  const conn = new Database(db, { fileMustExist: true });
  try {
    conn.pragma('busy_timeout = 2000');
    return conn.prepare(sql).all(...params) as T[];
  } finally {
    conn.close();
  }
}

function committedCases(db: string): string[] {
  try {
    return query<{ case_id: string }>(db, 'SELECT case_id FROM results WHERE output IS NOT NULL').map(
      (r) => r.case_id,
    );
  } catch {
    return []; // not created yet
  }
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const promptOf = (caseId: string) => `question ${Number(caseId.slice(1))}`;

let server: FakeOpenAI | undefined;
let suite: TempSuite | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  suite?.cleanup();
  suite = undefined;
});

describe('resume, interruption and the response cache, through the CLI', () => {
  beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

  it('after kill -9, --resume finishes the run without calling the provider again for committed cases', async () => {
    server = await startFakeOpenAI({ latencyMs: 50 });
    suite = makeSuite({
      cases: numberedCases(200),
      config: openaiConfig(server.baseURL, { concurrency: 4 }),
    });
    const cli = spawnCli(['eval', '-c', suite.config, '--db', suite.db], { cwd: suite.dir, env: ENV });
    await waitFor('40 committed results', () => committedCases(suite!.db).length >= 40);
    cli.child.kill('SIGKILL');
    const killed = await cli.done;
    expect(killed.signal).toBe('SIGKILL');

    const committed = committedCases(suite.db);
    expect(committed.length).toBeGreaterThanOrEqual(40);
    expect(committed.length).toBeLessThan(200);
    const [row] = query<{ id: string; status: string }>(suite.db, 'SELECT id, status FROM runs');
    expect(row!.status).toBe('running');
    const callsBefore = server.stats.chat;

    const resumed = await runCli(['eval', '-c', suite.config, '--db', suite.db, '--resume'], {
      cwd: suite.dir,
      env: ENV,
    });
    expect(resumed.stderr).not.toMatch(/error:/);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`run ${row!.id} (resumed)`);

    const runs = query<{ id: string; status: string }>(suite.db, 'SELECT id, status FROM runs');
    expect(runs).toEqual([{ id: row!.id, status: 'completed' }]);
    const all = query<{ case_id: string }>(suite.db, 'SELECT case_id FROM results WHERE run_id = ?', row!.id);
    expect(all).toHaveLength(200);
    expect(new Set(all.map((r) => r.case_id)).size).toBe(200);

    // Committed cases were asked exactly once, over both executions.
    for (const id of committed) expect(server.count(promptOf(id)), id).toBe(1);
    // Only calls in flight (or answered but not yet committed) when the process died are repeated.
    const repeated = [...server.stats.byPrompt.values()].filter((n) => n > 1).length;
    expect(repeated).toBeLessThanOrEqual(callsBefore - committed.length);
    expect(server.stats.chat).toBe(200 + repeated);
    for (let i = 1; i <= 200; i++) expect(server.count(`question ${i}`)).toBeGreaterThanOrEqual(1);
  });

  it('Ctrl-C stops cleanly: exit 3, results kept, the resume command printed and working', async () => {
    server = await startFakeOpenAI({ latencyMs: 40 });
    suite = makeSuite({
      cases: numberedCases(100),
      config: openaiConfig(server.baseURL, { concurrency: 4 }),
    });
    const cli = spawnCli(['eval', '-c', suite.config, '--db', suite.db], { cwd: suite.dir, env: ENV });
    await waitFor('20 committed results', () => committedCases(suite!.db).length >= 20);
    cli.child.kill('SIGINT');
    const stopped = await cli.done;
    expect(stopped.code).toBe(3);
    const [row] = query<{ id: string; status: string }>(suite.db, 'SELECT id, status FROM runs');
    expect(row!.status).toBe('interrupted');
    expect(stopped.stderr).toContain('interrupted. Resume with:');
    const hint = stopped.stderr.split('\n').find((l) => l.includes('--resume'))!;
    expect(hint.trim()).toBe(`assay eval -c ${suite.config} --db ${suite.db} --resume ${row!.id}`);
    // Calls cut short are not results: nothing aborted was stored.
    const errors = query<{ n: number }>(
      suite.db,
      'SELECT count(*) AS n FROM results WHERE error IS NOT NULL',
    );
    expect(errors[0]!.n).toBe(0);
    const committed = committedCases(suite.db);

    const resumed = await runCli(hint.trim().split(' ').slice(1), { cwd: suite.dir, env: ENV });
    expect(resumed.code).toBe(0);
    expect(query(suite.db, 'SELECT id FROM results')).toHaveLength(100);
    for (const id of committed) expect(server.count(promptOf(id)), id).toBe(1);
  });

  it('a second run answers from the cache with zero calls; --no-cache calls again', async () => {
    server = await startFakeOpenAI({ latencyMs: 30 });
    suite = makeSuite({ cases: numberedCases(20), config: openaiConfig(server.baseURL) });
    const args = ['eval', '-c', suite.config, '--db', suite.db];
    const first = await runCli(args, { cwd: suite.dir, env: ENV });
    expect(first.code).toBe(0);
    expect(server.stats.chat).toBe(20);
    // 16 calls in flight each listen on the run's abort signal: no MaxListenersExceededWarning.
    expect(server.stats.maxInFlight).toBeGreaterThan(10);
    expect(first.stderr).not.toMatch(/Warning/);

    const second = await runCli([...args, '-o', 'cached.json'], { cwd: suite.dir, env: ENV });
    expect(second.code).toBe(0);
    expect(server.stats.chat).toBe(20);
    const json = JSON.parse(readFileSync(`${suite.dir}/cached.json`, 'utf8')) as {
      summary: { cached: number; passed: number };
      results: { cached: boolean; output: string }[];
    };
    expect(json.summary.cached).toBe(20);
    expect(json.summary.passed).toBe(20);
    expect(json.results.every((r) => r.cached && r.output.startsWith('Answer: question'))).toBe(true);

    const third = await runCli([...args, '--no-cache'], { cwd: suite.dir, env: ENV });
    expect(third.code).toBe(0);
    expect(server.stats.chat).toBe(40);
    expect(query(suite.db, 'SELECT id FROM runs')).toHaveLength(3);
  });
});
