import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { ensureBuilt } from './helpers/build.js';
import { runCli } from './helpers/cli.js';
import { makeSuite, numberedCases, openaiConfig, type TempSuite } from './helpers/suite.js';

// A rate-limited run must finish. While the API's Retry-After pauses the limiter, every worker may be
// waiting on it, and nothing else keeps the process alive: `assay eval` exited 13 mid-run, leaving
// the run `running` (issue 10, item 1). Each case here runs the CLI as a user would.

const ENV = { TEST_API_KEY: 'sk-test-rate-limit' };
const CASES = 24;

let server: FakeOpenAI;
let suite: TempSuite | undefined;
let calls = 0;
/** What every third chat request gets instead of an answer. */
let pushBack: { status: number; headers: Record<string, string> } = { status: 429, headers: {} };
beforeAll(async () => {
  await ensureBuilt();
  server = await startFakeOpenAI({
    record: false,
    reply: (body) => {
      if (++calls % 3 === 0) return { ...pushBack, body: { error: { message: 'slow down' } } };
      return `Answer: ${body.messages?.at(-1)?.content}`;
    },
  });
}, 600_000);
afterAll(() => server.close());
afterEach(() => {
  suite?.cleanup();
  suite = undefined;
  server.reset();
  calls = 0;
});

async function evalAgainstServer(concurrency: number, retries: number) {
  suite = makeSuite({
    cases: numberedCases(CASES),
    config: openaiConfig(server.baseURL, { concurrency, retries }),
  });
  const res = await runCli(['eval', '-c', suite.config, '--db', suite.db, '--no-cache'], {
    cwd: suite.dir,
    env: ENV,
    timeoutMs: 120_000,
  });
  const runs = await runCli(['runs', '--db', suite.db, '--json'], { cwd: suite.dir, env: ENV });
  const status = (JSON.parse(runs.stdout) as { status: string }[])[0]?.status;
  return { ...res, status };
}

const RETRY_AFTER_1S = { 'retry-after': '1' };
const RETRY_AFTER_250MS = { 'retry-after-ms': '250' };

describe('assay eval against an API that pushes back on every third request', () => {
  const retried: [status: number, headers: Record<string, string>, concurrency: number][] = [
    [429, RETRY_AFTER_1S, 4],
    [429, RETRY_AFTER_250MS, 1],
    [429, RETRY_AFTER_250MS, 2],
    [429, RETRY_AFTER_250MS, 4],
    [429, RETRY_AFTER_250MS, 8],
    [503, RETRY_AFTER_1S, 4],
    [503, RETRY_AFTER_250MS, 2],
    // No Retry-After: exponential backoff.
    [429, {}, 1],
    [429, {}, 4],
    [503, {}, 8],
  ];
  for (const [status, headers, concurrency] of retried) {
    const how = Object.keys(headers).length ? JSON.stringify(headers) : 'backoff';
    it(`${status} (${how}) at concurrency ${concurrency}: retried, the run completes and every case passes`, async () => {
      pushBack = { status, headers };
      // Every third request fails whoever sends it: a call may be unlucky several times running.
      const res = await evalAgainstServer(concurrency, 10);
      expect(res.stderr).not.toMatch(/error:/);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(new RegExp(`${CASES}/${CASES} passed`));
      expect(res.status).toBe('completed');
    }, 120_000);
  }

  for (const concurrency of [2, 4, 8]) {
    it(`without retries at concurrency ${concurrency}: the pushed-back calls are errors, and the run ends with its summary`, async () => {
      pushBack = { status: 429, headers: RETRY_AFTER_1S };
      const res = await evalAgainstServer(concurrency, 0);
      expect(res.stderr).not.toMatch(/error:/);
      // Exit 1, not 13: the run ends, and the default error-rate gate fails on the errors.
      expect(res.code).toBe(1);
      expect(res.stdout).toMatch(/✘ .*error/i);
      const errors = Number(/· (\d+) errors ·/.exec(res.stdout)?.[1]);
      expect(errors).toBe(CASES / 3);
      expect(res.stdout).toMatch(/✘ maxErrorRate: \d+ errors in \d+ results \(33\.3%\) > 1\.0%/);
      expect(server.stats.chat).toBe(CASES);
      expect(res.status).toBe('completed');
    }, 120_000);
  }
});
