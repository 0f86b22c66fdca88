import { afterEach, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { runConfig } from './helpers/in-process.js';
import { makeSuite, type TempSuite } from './helpers/suite.js';

let server: FakeOpenAI | undefined;
let suite: TempSuite | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  suite?.cleanup();
  suite = undefined;
});

/** The one line `assay eval` prints for the error the run stops on. */
async function failure(file: string, db: string): Promise<string> {
  return runConfig(file, db).then(
    () => 'no error',
    (error: unknown) => String(error),
  );
}

const config = (baseURL: string, cases: string) => `
description: cases written in the config, each with its own evaluators
dataset:
  name: inline
  cases:
${cases}
prompt: '{{ question }}'
targets:
  - provider: openai:fake-model
    baseURL: ${baseURL}
    apiKey: sk-test
evaluators:
  - type: contains
    name: answers
    value: 'Answer:'
`;

describe('inline datasets with per-case evaluators', () => {
  it('runs the cases of the config; a case passes only when the suite and its own evaluators pass', async () => {
    server = await startFakeOpenAI();
    suite = makeSuite({
      config: config(
        server.baseURL,
        `    - id: paris
      question: capital of France is Paris
      evaluators:
        - type: icontains
          value: paris
    - id: rome
      question: capital of Italy is Rome
      evaluators:
        - type: contains
          value: Madrid
        - type: not
          evaluator: { type: contains, value: Berlin }
    - id: plain
      question: no own evaluators`,
      ),
    });
    const { results, run } = await runConfig(suite.config, suite.db, { cache: false });
    const byId = Object.fromEntries(results.map((r) => [r.caseId, r]));
    expect(byId.paris!.pass).toBe(true);
    expect(byId.paris!.scores.map((s) => s.evaluator)).toEqual(['answers', 'icontains']);
    expect(byId.rome!.pass).toBe(false);
    expect(byId.rome!.scores.map((s) => [s.evaluator, s.pass])).toEqual([
      ['answers', true],
      ['contains', false],
      ['not(contains)', true],
    ]);
    expect(byId.plain!.pass).toBe(true);
    expect(byId.plain!.scores).toHaveLength(1);
    expect(run.provenance.dataset).toMatchObject({ name: 'inline', cases: 3, path: 'assay.yaml#dataset' });
  });

  it('refuses a bad case with the config file, the line of the case and the field', async () => {
    suite = makeSuite({
      config: config(
        'http://127.0.0.1:9',
        `    - id: ok
      question: fine
    - id: bad
      question: broken
      evaluators: contains`,
      ),
    });
    expect(await failure(suite.config, suite.db)).toMatch(
      /assay\.yaml:8: evaluators: must be a list of evaluators, got string$/,
    );
  });

  it('refuses a case evaluator whose options are wrong, naming the case', async () => {
    suite = makeSuite({
      config: config(
        'http://127.0.0.1:9',
        `    - id: c1
      question: fine
      evaluators:
        - type: contains`,
      ),
    });
    expect(await failure(suite.config, suite.db)).toMatch(/assay\.yaml: case c1\.evaluators\[0\]\.value: /);
  });
});
