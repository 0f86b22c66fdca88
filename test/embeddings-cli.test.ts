import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { ensureBuilt } from './helpers/build.js';
import { errorLines, runCli } from './helpers/cli.js';
import { makeSuite, type TempSuite } from './helpers/suite.js';

const APP = `export async function answer(c) {
  return { output: c.vars.question.includes('kettle') ? 'the kettle boils water in three minutes' : 'no idea sorry' };
}
`;
const CASES = [
  { id: 'k1', question: 'how fast is the kettle', expected: 'the kettle boils water in three minutes' },
  { id: 'k2', question: 'does the kettle boil fast', expected: 'kettle boils water in three minutes' },
  { id: 't1', question: 'how many toaster slots', expected: 'the toaster has four slots' },
];

describe('assay eval with a similar evaluator and the suite embedder', () => {
  let server: FakeOpenAI;
  let suite: TempSuite;
  beforeAll(async () => {
    await ensureBuilt();
    server = await startFakeOpenAI();
    suite = makeSuite({
      cases: CASES,
      config: {
        dataset: './golden.jsonl',
        targets: [{ id: 'app', provider: 'function', module: './app.mjs#answer' }],
        embedder: {
          provider: 'openai:text-embedding-fake',
          baseURL: server.baseURL,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: assay.yaml's ${VAR}, read from the env.
          apiKey: '${TEST_API_KEY}',
        },
        evaluators: [{ type: 'similar', threshold: 0.8 }],
        gates: { passRate: 0.5 },
      },
    });
    suite.write('app.mjs', APP);
  }, 300_000);
  afterAll(async () => {
    await server?.close();
    suite?.cleanup();
  });

  it('embeds through the configured server once; the next run reads the vectors from the store', async () => {
    const env = { TEST_API_KEY: 'sk-e2e' };
    const first = await runCli(['eval', '-c', suite.config, '--db', suite.db], { cwd: suite.dir, env });
    expect(errorLines(first.stderr)).toEqual([]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/similar\s+2\/3/);
    // 4 distinct texts: 3 outputs (2 distinct) and 3 references, one of which is k1's output word
    // for word; each is sent once, merged into few requests.
    const firstInputs = server.requests.flatMap((r) => (r.body as { input: string[] }).input);
    expect(new Set(firstInputs).size).toBe(4);
    expect(firstInputs).toHaveLength(4);
    expect(server.requests.every((r) => r.headers.authorization === 'Bearer sk-e2e')).toBe(true);

    server.reset();
    const second = await runCli(['eval', '-c', suite.config, '--db', suite.db], { cwd: suite.dir, env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/similar\s+2\/3/);
    expect(server.stats.embeddings).toBe(0);

    // --no-cache leaves the stored vectors alone and asks the server again.
    const third = await runCli(['eval', '-c', suite.config, '--db', suite.db, '--no-cache'], {
      cwd: suite.dir,
      env,
    });
    expect(third.code).toBe(0);
    expect(server.stats.embeddings).toBeGreaterThan(0);
  }, 120_000);

  it('rejects an invalid top-level embedder with exit 2 and the field named', async () => {
    const bad = makeSuite({
      cases: CASES,
      config: `dataset: ./golden.jsonl\ntargets:\n  - provider: function\n    module: ./app.mjs#answer\nembedder: glove\nevaluators:\n  - type: similar\n`,
    });
    try {
      bad.write('app.mjs', APP);
      const res = await runCli(['eval', '-c', bad.config, '--db', bad.db], { cwd: bad.dir });
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/assay\.yaml:5: embedder: /);
    } finally {
      bad.cleanup();
    }
  }, 60_000);
});
