import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { type CliResult, runCli } from './helpers/cli.js';
import { makeSuite, numberedCases, openaiConfig, type TempSuite } from './helpers/suite.js';

// Child processes and real sockets: generous on a loaded machine, though each takes seconds.
vi.setConfig({ testTimeout: 120_000 });

interface ResultsJson {
  run: Record<string, unknown> & { id: string; provenance: Record<string, unknown> };
  summary: Record<string, unknown>;
  results: Record<string, unknown>[];
}

let server: FakeOpenAI;
let suite: TempSuite;
let res: CliResult;
let json: ResultsJson;

beforeAll(async () => {
  await ensureBuilt();
  // Case 5 is answered wrongly, case 6 by an error the provider will not retry.
  server = await startFakeOpenAI({
    latencyMs: 3,
    reply: (body) => {
      const prompt = String(body.messages?.at(-1)?.content);
      if (prompt === 'question 5') return 'I do not know';
      if (prompt === 'question 6') return { status: 400, body: { error: { message: 'context too long' } } };
      return { content: `Answer: ${prompt}`, usage: { prompt_tokens: 10, completion_tokens: 5 } };
    },
  });
  const config = openaiConfig(server.baseURL, { gates: { passRate: 0.5, maxErrorRate: 0.2 }, retries: 0 });
  (config.targets as Record<string, unknown>[])[0]!.price = { input: 1, output: 2 };
  config.evaluators = [
    { type: 'contains', name: 'mentions', value: '{{ expected }}' },
    { type: 'latency', max: 10_000 },
  ];
  suite = makeSuite({ cases: numberedCases(6), config });
  res = await runCli(
    ['eval', '-c', suite.config, '--db', suite.db, '-o', 'out/results.json', '--description', 'json test'],
    {
      cwd: suite.dir,
      env: { TEST_API_KEY: 'sk-json' },
    },
  );
  json = JSON.parse(readFileSync(`${suite.dir}/out/results.json`, 'utf8')) as ResultsJson;
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await server?.close();
  suite?.cleanup();
});

describe('results JSON (--output)', () => {
  it('the run: id, status, provenance', () => {
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('results written to out/results.json');
    expect(json.run.id).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(json.run.status).toBe('completed');
    expect(json.run.description).toBe('json test');
    expect(json.run.provenance).toMatchObject({
      assayVersion: expect.any(String),
      nodeVersion: process.version,
      dataset: { name: 'golden', version: expect.stringMatching(/^[0-9a-f]{16}$/), cases: 6 },
      promptHash: expect.any(String),
      configHash: expect.any(String),
      targets: [expect.objectContaining({ id: 'model', provider: 'openai:fake-model' })],
    });
  });

  it('the summary: counts, pass rate, strata, latency percentiles, tokens, cost', () => {
    const s = json.summary;
    expect(s).toMatchObject({ total: 6, passed: 4, failed: 1, errors: 1, passRate: 0.8 });
    expect(s.byTag).toMatchObject({
      difficulty: {
        easy: { total: 2, passed: 2 },
        medium: { total: 2, passed: 1, failed: 1 },
        hard: { total: 2, passed: 1, errors: 1 },
      },
    });
    const latency = s.latencyMs as Record<string, number>;
    for (const p of ['p50', 'p95', 'p99'] as const) expect(latency[p]).toBeGreaterThan(0);
    expect(latency.p50).toBeLessThanOrEqual(latency.p95!);
    expect(latency.p95).toBeLessThanOrEqual(latency.p99!);
    // 4 answers with usage 10/5 and one ("I do not know") with the server's word counts (2/4).
    expect(s.tokens).toEqual({ input: 42, output: 24, total: 66 });
    expect(s.costUsd).toBeCloseTo((42 * 1 + 24 * 2) / 1e6, 12);
    expect(s.gates).toEqual([
      expect.objectContaining({ gate: 'passRate', pass: true }),
      expect.objectContaining({ gate: 'maxErrorRate', pass: true, actual: 1 / 6, threshold: 0.2 }),
    ]);
  });

  it('each result: caseId, target, output, pass, latencyMs, error, scores', () => {
    expect(json.results).toHaveLength(6);
    const byCase = new Map(json.results.map((r) => [r.caseId, r]));
    expect(byCase.get('c001')).toMatchObject({
      caseId: 'c001',
      target: 'model',
      output: 'Answer: question 1',
      pass: true,
      latencyMs: expect.any(Number),
      error: null,
      tags: { difficulty: 'easy' },
      scores: [
        { evaluator: 'mentions', value: 1, pass: true, reason: 'contains "question 1"' },
        { evaluator: 'latency', value: 1, pass: true, reason: expect.stringMatching(/ms ≤ 10000 ms$/) },
      ],
    });
    expect(byCase.get('c005')).toMatchObject({
      pass: false,
      error: null,
      scores: [
        expect.objectContaining({
          evaluator: 'mentions',
          value: 0,
          pass: false,
          reason: 'missing "question 5"',
        }),
        expect.anything(),
      ],
    });
    expect(byCase.get('c006')).toMatchObject({ output: null, pass: false, scores: [] });
    expect(byCase.get('c006')!.error).toMatch(/HTTP 400: context too long/);
  });

  it('the stored run is listed and shown by the CLI', async () => {
    const runs = await runCli(['runs', '--db', suite.db, '--json'], { cwd: suite.dir });
    expect(runs.code).toBe(0);
    expect(JSON.parse(runs.stdout)).toEqual([
      expect.objectContaining({ id: json.run.id, status: 'completed', passRate: 0.8 }),
    ]);
    const show = await runCli(['show', json.run.id.slice(0, 17), '--db', suite.db], { cwd: suite.dir });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`Run ${json.run.id} · completed`);
    expect(show.stdout).toContain('Targets: model (openai:fake-model)');
    const missing = await runCli(['show', 'nope', '--db', suite.db], { cwd: suite.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('assay: error: no run "nope" in the store');
  });
});
