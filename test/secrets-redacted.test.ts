import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { type CliResult, runCli, spawnCli } from './helpers/cli.js';
import { freshSchema, PG_URL, pgExec } from './helpers/postgres.js';
import { makeSuite, numberedCases, type TempSuite } from './helpers/suite.js';

// Issue 10, item 4: a credential in a target's URL (or in a PostgreSQL --db URL) must not reach the
// store, the results JSON, the reports or the terminal.
vi.setConfig({ testTimeout: 120_000 });

const KEY = 'SECRETKEY8f3a9c71';
const TOKEN = 'tok5d2e81b0aa';
const PG_PASSWORD = 'pgPASSWORD4417';

let server: http.Server;
let base: string;
let slowMs = 0;

beforeAll(async () => {
  await ensureBuilt();
  // A failing server that, like many, echoes the request line in its error.
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `upstream failed for POST ${req.url}` }));
      }, slowMs),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, BUILD_TIMEOUT_MS);

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function leakyConfig(): Record<string, unknown> {
  return {
    dataset: './golden.jsonl',
    retries: 0,
    targets: [
      {
        id: 'app',
        provider: 'http',
        url: `${base}/chat?key=${KEY}&access_token=${TOKEN}&lang=en`,
        body: { q: '{{ question }}' },
        output: 'answer',
      },
    ],
    evaluators: [{ type: 'contains', value: '{{ expected }}' }],
  };
}

function expectNoSecret(where: string, text: string): void {
  for (const secret of [KEY, TOKEN, PG_PASSWORD]) {
    expect(text.includes(secret), `${secret} found in ${where}`).toBe(false);
  }
}

describe('a ?key= URL against a failing server', () => {
  let suite: TempSuite;
  let res: CliResult;
  let show: CliResult;

  beforeAll(async () => {
    suite = makeSuite({ cases: numberedCases(4), config: leakyConfig() });
    res = await runCli(
      [
        'eval',
        ...['-c', suite.config, '--db', suite.db, '-o', 'results.json'],
        ...['--html', 'report.html', '--junit', 'junit.xml', '--markdown', 'summary.md'],
      ],
      { cwd: suite.dir },
    );
    const runId = /run (\d{8}-\d{6}-[0-9a-f]{4})/.exec(res.stdout)?.[1] ?? 'none';
    show = await runCli(['show', runId, '--db', suite.db, '--failures'], { cwd: suite.dir });
  });
  afterAll(() => suite?.cleanup());

  it('the errors are stored and shown, with the credentials replaced', () => {
    const json = JSON.parse(readFileSync(join(suite.dir, 'results.json'), 'utf8')) as {
      results: { error: string | null }[];
    };
    expect(json.results).toHaveLength(4);
    for (const r of json.results) {
      expect(r.error).toMatch(/answered HTTP 500/);
      expect(r.error).toContain('key=***&access_token=***&lang=en');
    }
  });

  it('no key in the SQLite file, the results JSON, the HTML, JUnit and Markdown reports, or the terminal', () => {
    for (const name of [
      'assay.db',
      'assay.db-wal',
      'results.json',
      'report.html',
      'junit.xml',
      'summary.md',
    ]) {
      const path = join(suite.dir, name);
      if (name === 'assay.db-wal' && !existsSync(path)) continue;
      expectNoSecret(name, readFileSync(path).toString('latin1'));
    }
    expectNoSecret('eval output', res.stdout + res.stderr);
    expectNoSecret('show --failures', show.stdout + show.stderr);
    expect(show.stdout).toContain('key=***');
  });
});

describe('a PostgreSQL password in --db', () => {
  const schema = freshSchema('assay_redact');
  const url = new URL(PG_URL);
  url.password = PG_PASSWORD;
  url.searchParams.set('options', `-c search_path=${schema}`);
  const db = url.toString();
  let suite: TempSuite;

  beforeAll(async () => {
    await pgExec(`CREATE SCHEMA "${schema}"`);
    suite = makeSuite({ cases: numberedCases(2), config: leakyConfig() });
  });
  afterAll(async () => {
    suite?.cleanup();
    await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it('is not printed in the "stored in" line', async () => {
    const res = await runCli(['eval', '-c', suite.config, '--db', db], { cwd: suite.dir });
    expect(res.stdout).toMatch(/stored in postgres:\/\/[^:]+:\*\*\*@127\.0\.0\.1/);
    expectNoSecret('eval output', res.stdout + res.stderr);
  });

  it('is not printed in the resume hint of an interrupted run', async () => {
    slowMs = 5_000;
    try {
      const running = spawnCli(['eval', '-c', suite.config, '--db', db, '--no-cache', '--concurrency', '1'], {
        cwd: suite.dir,
      });
      const until = Date.now() + 60_000;
      while (!/results to compute/.test(running.stderr())) {
        if (Date.now() > until) throw new Error(`the run never started: ${running.stderr()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      running.child.kill('SIGINT');
      const res = await running.done;
      expect(res.stderr).toMatch(/Resume with:\n {2}assay eval .*--db postgres:\/\/[^:]+:\*\*\*@/);
      expectNoSecret('eval output', res.stdout + res.stderr);
    } finally {
      slowMs = 0;
    }
  });
});
