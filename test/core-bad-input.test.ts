import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { type CliResult, errorLines, runCli } from './helpers/cli.js';
import { makeSuite, numberedCases, openaiConfig, type TempSuite } from './helpers/suite.js';

// Child processes and real sockets: generous on a loaded machine, though each takes seconds.
vi.setConfig({ testTimeout: 120_000 });

const ENV = { TEST_API_KEY: 'sk-test-bad-input' };

let suite: TempSuite | undefined;
afterEach(() => {
  suite?.cleanup();
  suite = undefined;
});

/** The one line that reports the error: no stack trace, no second line. */
function oneErrorLine(res: CliResult): string {
  const lines = errorLines(res.stderr);
  expect(lines, res.stderr).toHaveLength(1);
  expect(res.stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

function runsIn(db: string): { id: string; status: string; error: string | null }[] {
  if (!existsSync(db)) return [];
  const conn = new Database(db);
  try {
    return conn.prepare('SELECT id, status, error FROM runs').all() as never;
  } finally {
    conn.close();
  }
}

/** A port on 127.0.0.1 with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const evalArgs = (s: TempSuite) => ['eval', '-c', s.config, '--db', s.db];
// A base URL nobody calls: these runs must stop before any provider is.
const NOWHERE = 'http://127.0.0.1:9/v1';

describe('bad input through the CLI: one line, the right exit code, nothing half-written', () => {
  beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

  it('a malformed dataset row names golden.jsonl and its line; exit 2; no run', async () => {
    const rows = numberedCases(4).map((c) => JSON.stringify(c));
    rows.splice(2, 0, '{"id": "broken", "question": "no closing brace"');
    suite = makeSuite({ datasetText: `${rows.join('\n')}\n`, config: openaiConfig(NOWHERE) });
    const res = await runCli(evalArgs(suite), { cwd: suite.dir, env: ENV });
    expect(res.code).toBe(2);
    const line = oneErrorLine(res);
    expect(line).toContain('golden.jsonl:3:');
    expect(line).toMatch(/invalid JSON/);
    expect(runsIn(suite.db)).toEqual([]);
  });

  it('an unknown evaluator type names evaluators[i].type and the file; exit 2; no run', async () => {
    const config = openaiConfig(NOWHERE);
    config.evaluators = [{ type: 'contains', value: 'x' }, { type: 'no-such-check' }];
    suite = makeSuite({ cases: numberedCases(2), config });
    const res = await runCli(evalArgs(suite), { cwd: suite.dir, env: ENV });
    expect(res.code).toBe(2);
    const line = oneErrorLine(res);
    expect(line).toContain(suite.config);
    expect(line).toContain('evaluators[1].type');
    expect(line).toContain('unknown evaluator type "no-such-check"');
    expect(runsIn(suite.db)).toEqual([]);
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: a config ${VAR}, not a JS template.
  it('a missing ${VAR} names the field and the variable; exit 2; no run', async () => {
    suite = makeSuite({ cases: numberedCases(2), config: openaiConfig(NOWHERE) });
    const res = await runCli(evalArgs(suite), { cwd: suite.dir, env: {} });
    expect(res.code).toBe(2);
    const line = oneErrorLine(res);
    expect(line).toContain(suite.config);
    expect(line).toContain('targets[0].apiKey');
    expect(line).toContain('TEST_API_KEY');
    expect(runsIn(suite.db)).toEqual([]);
  });

  it('an unknown top-level key in assay.yaml is refused with its line; exit 2', async () => {
    suite = makeSuite({
      cases: numberedCases(2),
      config: `dataset: ./golden.jsonl\nprompt: "{{ question }}"\ntargets:\n  - provider: function\n    module: ./app.mjs#answer\nconcurency: 4\n`,
    });
    const res = await runCli(evalArgs(suite), { cwd: suite.dir, env: ENV });
    expect(res.code).toBe(2);
    const line = oneErrorLine(res);
    expect(line).toContain(`${suite.config}:6:`);
    expect(line).toContain('concurency');
  });

  it('an unreachable server: one clear line, exit 3, the run aborted with its error and no results', async () => {
    const port = await closedPort();
    suite = makeSuite({
      cases: numberedCases(5),
      config: openaiConfig(`http://127.0.0.1:${port}/v1`, { retries: 1 }),
    });
    const res = await runCli(evalArgs(suite), { cwd: suite.dir, env: ENV });
    expect(res.code).toBe(3);
    const line = oneErrorLine(res);
    expect(line).toMatch(/^assay: error: run aborted: /);
    expect(line).toContain(`127.0.0.1:${port}`);
    expect(line).toContain('ECONNREFUSED');
    const runs = runsIn(suite.db);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('aborted');
    expect(runs[0]!.error).toContain('ECONNREFUSED');
    const conn = new Database(suite.db);
    const count = conn.prepare('SELECT count(*) AS n FROM results').get() as { n: number };
    conn.close();
    expect(count.n).toBe(0);
  });
});
