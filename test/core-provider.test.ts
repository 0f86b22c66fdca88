// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these configs are YAML with ${VAR}s.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RETRY } from '../src/runner/retry.js';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { runCli } from './helpers/cli.js';
import { runConfig } from './helpers/in-process.js';
import { makeSuite, numberedCases, openaiConfig, type TempSuite } from './helpers/suite.js';

// Child processes and real sockets: generous on a loaded machine, though each takes seconds.
vi.setConfig({ testTimeout: 120_000 });

const KEY = 'sk-test-9f8e7d6c5b4a-never-store-me';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

let server: FakeOpenAI | undefined;
let suite: TempSuite | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  suite?.cleanup();
  suite = undefined;
});

describe('the OpenAI provider against a real HTTP server', () => {
  beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

  it('sends model, messages, params and the key; the key is nowhere in the store, results or output', async () => {
    server = await startFakeOpenAI();
    suite = makeSuite({ cases: numberedCases(3), config: openaiConfig(server.baseURL) });
    const res = await runCli(['eval', '-c', suite.config, '--db', suite.db, '-o', 'results.json'], {
      cwd: suite.dir,
      env: { TEST_API_KEY: KEY },
    });
    expect(res.stderr).not.toMatch(/error:/);
    expect(res.code).toBe(0);

    expect(server.requests).toHaveLength(3);
    const first = server.requests.find(
      (r) => (r.body as { messages: { content: string }[] }).messages[0]!.content === 'question 1',
    )!;
    expect(first.method).toBe('POST');
    expect(first.path).toBe('/v1/chat/completions');
    expect(first.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(first.headers['content-type']).toMatch(/application\/json/);
    expect(first.body).toEqual({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'question 1' }],
      temperature: 0,
      max_tokens: 64,
    });

    // The key is in the request, and in no file the run left behind (SQLite and its WAL, the
    // results JSON), nor on stdout or stderr.
    const files = filesUnder(suite.dir).filter((f) => !f.endsWith('assay.yaml'));
    expect(files.some((f) => f.endsWith('results.json'))).toBe(true);
    expect(files.some((f) => f.endsWith('assay.db'))).toBe(true);
    for (const f of files) expect(readFileSync(f).includes(KEY), f).toBe(false);
    expect(res.stdout).not.toContain(KEY);
    expect(res.stderr).not.toContain(KEY);
  });

  it('secrets filled in from ${VAR}s anywhere in the config (a judge key) stay out of the store', async () => {
    server = await startFakeOpenAI();
    const judgeKey = 'sk-judge-0a1b2c3d4e5f-secret';
    const config = openaiConfig(server.baseURL);
    config.evaluators = [
      {
        type: 'rubric',
        rubric: 'Is it correct?',
        judge: { provider: 'openai:judge', baseURL: server.baseURL, apiKey: '${JUDGE_KEY}' },
      },
    ];
    suite = makeSuite({ cases: numberedCases(2), config });
    const { run } = await runConfig(suite.config, suite.db, {
      env: { TEST_API_KEY: KEY, JUDGE_KEY: judgeKey },
    });
    // The judge was called with its key…
    expect(server.requests.some((r) => r.headers.authorization === `Bearer ${judgeKey}`)).toBe(true);
    // …which is in neither the run's provenance nor any file of the store.
    expect(JSON.stringify(run)).not.toContain(judgeKey);
    expect(JSON.stringify(run.provenance.evaluators)).toContain('${JUDGE_KEY}');
    for (const f of filesUnder(suite.dir)) {
      expect(readFileSync(f).includes(judgeKey), f).toBe(false);
      expect(readFileSync(f).includes(KEY), f).toBe(false);
    }
  });

  it('retries a 429 no sooner than its Retry-After, then succeeds', async () => {
    server = await startFakeOpenAI({
      script: [{ status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'slow down' } } }],
    });
    suite = makeSuite({ cases: numberedCases(1), config: openaiConfig(server.baseURL, { retries: 2 }) });
    const { outcome, results } = await runConfig(suite.config, suite.db, { env: { TEST_API_KEY: KEY } });
    expect(outcome.summary.errors).toBe(0);
    expect(results[0]!.output?.text).toBe('Answer: question 1');
    expect(server.requests.map((r) => r.outcome)).toEqual([429, 200]);
    // A lower bound only: the retry waited at least the second the server asked for.
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    server = await startFakeOpenAI({ script: [{ status: 500 }, { status: 500 }] });
    suite = makeSuite({ cases: numberedCases(1), config: openaiConfig(server.baseURL, { retries: 2 }) });
    const { outcome, results } = await runConfig(suite.config, suite.db, { env: { TEST_API_KEY: KEY } });
    expect(server.requests.map((r) => r.outcome)).toEqual([500, 500, 200]);
    // Backoff with full jitter waits at least half its base (500 ms) before the first retry.
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(DEFAULT_RETRY.baseMs / 2);
    expect(outcome.summary.errors).toBe(0);
    expect(results[0]!.pass).toBe(true);
  });

  it('does not retry a 400: the error is the result, the run goes on', async () => {
    server = await startFakeOpenAI({
      script: [{ status: 400, body: { error: { message: 'bad parameter max_tokens' } } }],
    });
    suite = makeSuite({
      cases: numberedCases(2),
      config: openaiConfig(server.baseURL, { retries: 3, concurrency: 1 }),
    });
    const { outcome, results } = await runConfig(suite.config, suite.db, { env: { TEST_API_KEY: KEY } });
    expect(server.requests).toHaveLength(2);
    expect(outcome.status).toBe('completed');
    expect(outcome.summary.errors).toBe(1);
    const failed = results.find((r) => r.error)!;
    expect(failed.error).toMatch(/HTTP 400: bad parameter max_tokens/);
    expect(failed.output).toBeNull();
  });

  it('a server that never answers gives a provider.timeout error result after the retries', async () => {
    server = await startFakeOpenAI({ faults: { rateTimeout: 1 } });
    suite = makeSuite({
      cases: numberedCases(1),
      config: openaiConfig(server.baseURL, { retries: 1, timeoutMs: 150 }),
    });
    const { run, outcome, results } = await runConfig(suite.config, suite.db, { env: { TEST_API_KEY: KEY } });
    expect(server.stats.faults.timeout).toBe(2);
    expect(outcome.summary.errors).toBe(1);
    expect(results).toHaveLength(1);
    expect(results[0]!.output).toBeNull();
    expect(results[0]!.pass).toBe(false);
    expect(results[0]!.error).toMatch(/no answer within 150 ms/);
    // A timeout is the API's problem with one case, not an unreachable target: the run completes.
    expect(run.status).toBe('completed');
  });

  it("a target's own timeoutMs applies to its calls", async () => {
    server = await startFakeOpenAI({ faults: { rateTimeout: 1 } });
    const config = openaiConfig(server.baseURL, { retries: 0 });
    (config.targets as Record<string, unknown>[])[0]!.timeoutMs = 100;
    suite = makeSuite({ cases: numberedCases(1), config });
    const { results } = await runConfig(suite.config, suite.db, { env: { TEST_API_KEY: KEY } });
    expect(results[0]!.error).toMatch(/no answer within 100 ms/);
  });

  it('a connection reset is retried like a 5xx', async () => {
    server = await startFakeOpenAI({ script: [{ reset: true }] });
    suite = makeSuite({ cases: numberedCases(1), config: openaiConfig(server.baseURL, { retries: 2 }) });
    const { outcome } = await runConfig(suite.config, suite.db, { env: { TEST_API_KEY: KEY } });
    expect(server.requests.map((r) => r.outcome)).toEqual(['reset', 200]);
    expect(outcome.summary.errors).toBe(0);
  });

  it('200 cases with 30% injected 429s and 500s all complete, with zero errors', async () => {
    server = await startFakeOpenAI({
      latencyMs: 2,
      // The server asks for no wait, so the test measures robustness rather than backoff time.
      faults: { rate429: 0.15, rate500: 0.15, retryAfterSec: 0, retryAfter500Sec: 0, seed: 42 },
    });
    // 0.3^11 per case: a case failing every attempt would be a bug, not bad luck.
    suite = makeSuite({
      cases: numberedCases(200),
      config: openaiConfig(server.baseURL, { retries: 10, concurrency: 16 }),
    });
    const { run, outcome, results } = await runConfig(suite.config, suite.db, { env: { TEST_API_KEY: KEY } });
    expect(run.status).toBe('completed');
    expect(outcome.summary.total).toBe(200);
    expect(outcome.summary.errors).toBe(0);
    expect(outcome.summary.passed).toBe(200);
    expect(results).toHaveLength(200);
    expect(new Set(results.map((r) => r.caseId)).size).toBe(200);
    for (const r of results) expect(r.output?.text).toBe(`Answer: ${r.caseId.replace(/^c0*/, 'question ')}`);
    const faults = server.stats.faults[429] + server.stats.faults[500];
    expect(faults).toBeGreaterThan(30);
    expect(server.stats.ok).toBe(200);
    expect(server.stats.chat).toBe(200 + faults);
  });
});

afterAll(async () => {
  await server?.close();
});
