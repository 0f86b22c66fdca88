import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { ensureBuilt } from './helpers/build.js';
import { runCli } from './helpers/cli.js';
import { makeSuite, numberedCases, openaiConfig, type TempSuite } from './helpers/suite.js';

// `assay eval --fault`: the same fault proxy as `assay load`, in front of the suite's targets, so
// the quality of answers can be measured while the API misbehaves and the retries do their work.

const ENV = { TEST_API_KEY: 'sk-test-faults' };

let server: FakeOpenAI;
let suite: TempSuite | undefined;
beforeAll(async () => {
  await ensureBuilt();
  server = await startFakeOpenAI({ latencyMs: 2, record: false });
}, 300_000);
afterAll(() => server.close());
afterEach(() => {
  suite?.cleanup();
  suite = undefined;
  server.reset();
});

describe('assay eval --fault', () => {
  it('with retries, quality holds under injected 500s; the faults never reach the server and are recorded', async () => {
    suite = makeSuite({
      cases: numberedCases(30),
      config: openaiConfig(server.baseURL, { gates: { passRate: 1 } }),
    });
    const args = [
      'eval',
      '-c',
      suite.config,
      '--db',
      suite.db,
      '--fault',
      'error=500@30%',
      '--fault-seed',
      '3',
    ];
    const res = await runCli(args, { cwd: suite.dir, env: ENV, timeoutMs: 120_000 });
    expect(res.stderr).not.toMatch(/error:/);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/30\/30 passed/);
    const m =
      /Faults: error=500@30% — (\d+) requests through the fault proxy: 30 left alone, (\d+) error/.exec(
        res.stdout,
      );
    expect(m).not.toBeNull();
    const [total, injected] = [Number(m![1]), Number(m![2])];
    expect(injected).toBeGreaterThan(0);
    expect(total).toBe(30 + injected);
    // Only the requests the proxy left alone reached the server.
    expect(server.stats.chat).toBe(30);

    const runs = await runCli(['runs', '--db', suite.db, '--json'], { cwd: suite.dir, env: ENV });
    const id = (JSON.parse(runs.stdout) as { id: string }[])[0]!.id;
    const show = await runCli(['show', id, '--db', suite.db, '--json'], { cwd: suite.dir, env: ENV });
    const stored = JSON.parse(show.stdout);
    expect(stored.provenance.faults).toEqual({ spec: 'error=500@30%', seed: 3 });
    // Provenance names the real endpoint, not the proxy's.
    expect(stored.provenance.targets[0].endpoint).toBe(server.baseURL);
  }, 180_000);

  it('without retries, the faults become errors and the maxErrors gate fails; the cache is bypassed', async () => {
    suite = makeSuite({
      cases: numberedCases(20),
      config: openaiConfig(server.baseURL, { retries: 0, gates: { maxErrors: 0 } }),
    });
    const args = [
      'eval',
      '-c',
      suite.config,
      '--db',
      suite.db,
      '--fault',
      'error=503@50%,reset@10%',
      '--fault-seed',
      '5',
    ];
    const first = await runCli(args, { cwd: suite.dir, env: ENV });
    expect(first.code).toBe(1);
    const errors = Number(/· (\d+) errors ·/.exec(first.stdout)?.[1]);
    expect(errors).toBeGreaterThan(4);
    expect(first.stdout).toMatch(/✘ \d+ errors > 0/);
    const reached = server.stats.chat;
    expect(reached).toBe(20 - errors);
    // A second run calls the server again: answers are not cached while faults are injected.
    await runCli(args, { cwd: suite.dir, env: ENV });
    expect(server.stats.chat).toBe(2 * reached);
  }, 180_000);

  it('warns that a function target cannot be reached by faults, and runs it as usual', async () => {
    suite = makeSuite({
      cases: numberedCases(3),
      config: {
        dataset: './golden.jsonl',
        targets: [{ id: 'fn', provider: 'function', module: './app.mjs#answer' }],
        evaluators: [{ type: 'contains', value: '{{ expected }}' }],
      },
    });
    suite.write('app.mjs', "export const answer = (c) => 'It is ' + c.vars.question;\n");
    const res = await runCli(['eval', '-c', suite.config, '--db', suite.db, '--fault', 'error=500@100%'], {
      cwd: suite.dir,
      env: ENV,
    });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/no faults for fn: a function target makes no HTTP call/);
    expect(res.stdout).toMatch(/3\/3 passed/);
    expect(res.stdout).toMatch(/0 requests through the fault proxy/);
  }, 60_000);
});
