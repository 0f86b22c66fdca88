import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readRaw } from '../src/config/load.js';
import { convertPromptfoo } from '../src/promptfoo/convert.js';
import { convertedToYaml } from '../src/promptfoo/to-yaml.js';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { fakeAnswer, fakeReply } from './fixtures/promptfoo/replies.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { runCli } from './helpers/cli.js';
import { runConfig } from './helpers/in-process.js';
import { tempDir } from './helpers/suite.js';

vi.setConfig({ testTimeout: 120_000 });

const FIXTURE = join(import.meta.dirname, 'fixtures/promptfoo');
const verdicts = (
  JSON.parse(readFileSync(join(FIXTURE, 'promptfoo-verdicts.json'), 'utf8')) as {
    verdicts: { test: number; pass: boolean }[];
  }
).verdicts;

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI({ reply: fakeReply });
});
afterAll(() => server.close());

describe('assay import promptfoo', () => {
  it('writes an assay.yaml with comments that runs on its own and gives promptfoo’s verdicts', async () => {
    const file = join(FIXTURE, 'promptfooconfig.yaml');
    const { raw, lineOf } = await readRaw(file);
    const env = { OPENAI_BASE_URL: server.baseURL };
    const yaml = convertedToYaml(
      await convertPromptfoo(raw as Record<string, unknown>, file, lineOf, env),
      'promptfooconfig.yaml',
    );
    expect(yaml).toMatch(/^# Converted from promptfooconfig\.yaml by `assay import promptfoo`/);
    expect(yaml).toContain(
      '# tests.csv:2: row 1; promptfoo assertions: levenshtein, not-contains-any, regex',
    );
    expect(yaml).toContain(
      '# promptfooconfig.yaml:61: tests[4]; promptfoo assertions: levenshtein, not-levenshtein',
    );
    const tmp = tempDir();
    try {
      // Nothing beside it: the prompt and the 204 cases are in the file itself.
      const config = join(tmp.dir, 'assay.yaml');
      writeFileSync(config, yaml);
      const { results } = await runConfig(config, join(tmp.dir, 'assay.db'), {
        env: { OPENAI_API_KEY: 'sk-test' },
        cache: false,
      });
      expect(results).toHaveLength(204);
      const passed = results.filter((r) => r.pass).length;
      expect(passed).toBe(verdicts.filter((v) => v.pass).length);
      const request = server.requests.at(-1)!;
      expect(request.headers.authorization).toBe('Bearer sk-test');
      expect(request.body).toMatchObject({ model: 'fake-model', temperature: 0, max_tokens: 64 });
    } finally {
      tmp.cleanup();
    }
  });

  for (const suite of ['tools', 'rag', 'graded']) {
    it(`converts the ${suite} suite into an assay.yaml that gives promptfoo’s verdict on each test`, async () => {
      const file = join(FIXTURE, suite, 'promptfooconfig.yaml');
      const { raw, lineOf } = await readRaw(file);
      const env = { OPENAI_BASE_URL: server.baseURL };
      const converted = await convertPromptfoo(raw as Record<string, unknown>, file, lineOf, env);
      const tmp = tempDir();
      try {
        // The custom provider is the one file the converted suites still need where they name it
        // (the rag suite's, beside it; the graded suite's, ../rag/provider.mjs).
        mkdirSync(join(tmp.dir, suite));
        mkdirSync(join(tmp.dir, 'rag'), { recursive: true });
        copyFileSync(join(FIXTURE, 'rag', 'provider.mjs'), join(tmp.dir, 'rag', 'provider.mjs'));
        const config = join(tmp.dir, suite, 'assay.yaml');
        writeFileSync(config, convertedToYaml(converted, 'promptfooconfig.yaml'));
        const { results } = await runConfig(config, join(tmp.dir, 'assay.db'), {
          env: { OPENAI_API_KEY: 'sk-test' },
          cache: false,
        });
        const ids = (converted.config.dataset as { cases: { id: string }[] }).cases.map((c) => c.id);
        const recorded = JSON.parse(
          readFileSync(join(FIXTURE, suite, 'promptfoo-verdicts.json'), 'utf8'),
        ) as {
          verdicts: { test: number; pass: boolean }[];
        };
        const pass = new Map(results.map((r) => [r.caseId, r.pass]));
        expect(recorded.verdicts.map((v) => pass.get(ids[v.test - 1]!))).toEqual(
          recorded.verdicts.map((v) => v.pass),
        );
      } finally {
        tmp.cleanup();
      }
    });
  }

  describe('what it cannot carry over', () => {
    beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

    it('lists every unsupported key and assertion with its place, runs nothing and exits 2', async () => {
      const tmp = tempDir();
      try {
        copyFileSync(join(FIXTURE, 'prompt.txt'), join(tmp.dir, 'prompt.txt'));
        writeFileSync(join(tmp.dir, 'tests.csv'), 'question,__expected,__prefix\nhi,python:output == 1,X\n');
        writeFileSync(
          join(tmp.dir, 'promptfooconfig.yaml'),
          `prompts: [file://prompt.txt]
providers:
  - openai:chat:fake-model
  - id: file://provider.js
sharing: false
tests:
  - file://tests.csv
  - vars: { question: [a, b] }
    assert:
      - type: contains
        value: a
      - type: moderation
      - type: not-assert-set
        assert: []
    options: { transform: output.trim() }
`,
        );
        for (const args of [
          ['eval', '-c', 'promptfooconfig.yaml', '--db', join(tmp.dir, 'a.db')],
          ['import', 'promptfoo', 'promptfooconfig.yaml'],
        ]) {
          const res = await runCli(args, { cwd: tmp.dir, env: { OPENAI_BASE_URL: server.baseURL } });
          expect(res.code).toBe(2);
          expect(res.stdout).toBe('');
          for (const line of [
            'uses 8 thing(s) Assay cannot run yet (nothing was run):',
            'promptfooconfig.yaml:4: providers[1]: provider "file://provider.js"',
            'promptfooconfig.yaml:5: sharing: key "sharing"',
            'tests.csv:2: __prefix: CSV column "__prefix"',
            'tests.csv:2: row 1.assert[0]: assertion type "python" (Assay runs no Python',
            'promptfooconfig.yaml:8: tests[1].vars.question: a list of values (promptfoo runs one test per value)',
            'promptfooconfig.yaml:8: tests[1].options: test option "transform"',
            'promptfooconfig.yaml:12: tests[1].assert[1]: assertion type "moderation"',
            'promptfooconfig.yaml:13: tests[1].assert[2]: assertion type "not-assert-set"',
          ])
            expect(res.stderr).toContain(line);
        }
        expect(server.requests.filter((r) => JSON.stringify(r.body).includes('"hi"'))).toHaveLength(0);
      } finally {
        tmp.cleanup();
      }
    });
  });

  describe('the exit code', () => {
    beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

    it('is 1 when a test fails, as promptfoo exits non-zero, and 0 when every test passes', async () => {
      const tmp = tempDir();
      try {
        const suite = (expected: string) => `prompts: ['Answer: {{question}}']
providers: [openai:chat:fake-model]
tests:
  - vars: { question: hello }
    assert: [{ type: contains, value: ${JSON.stringify(expected)} }]
`;
        const args = ['eval', '-c', 'promptfooconfig.yaml', '--db', join(tmp.dir, 'a.db'), '--no-cache'];
        const env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'sk-test' };
        const answer = fakeAnswer('Answer: hello');
        writeFileSync(join(tmp.dir, 'promptfooconfig.yaml'), suite(answer.slice(0, 4)));
        const pass = await runCli(args, { cwd: tmp.dir, env });
        expect(pass.stdout, pass.stderr).toContain('passRate');
        expect(pass.code).toBe(0);
        writeFileSync(join(tmp.dir, 'promptfooconfig.yaml'), suite('no such words in any answer'));
        const fail = await runCli(args, { cwd: tmp.dir, env });
        expect(fail.code).toBe(1);
        expect(fail.stdout).toContain('passRate');
      } finally {
        tmp.cleanup();
      }
    });
  });
});
