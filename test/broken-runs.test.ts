import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { runCli } from './helpers/cli.js';
import { makeSuite, numberedCases, type TempSuite } from './helpers/suite.js';

// Child processes: generous on a loaded machine, though each takes about a second.
vi.setConfig({ testTimeout: 120_000 });

/** A broken run must never pass: each of these once gave `0/0 passed · N errors` and exit 0. */

let suite: TempSuite;
let server: http.Server;
let baseURL = '';

function config(targets: Record<string, unknown>[], extra: Record<string, unknown> = {}): string {
  return stringify({
    dataset: './golden.jsonl',
    targets,
    evaluators: [{ type: 'contains', name: 'mentions', value: '{{ expected }}' }],
    retries: 0,
    ...extra,
  });
}

const fn = (module: string) => ({ id: 'app', provider: 'function', module });

async function evalWith(name: string, yaml: string) {
  const file = suite.write(`${name}.yaml`, yaml);
  const db = join(suite.dir, `${name}.db`);
  const res = await runCli(['eval', '-c', file, '--db', db], {
    cwd: suite.dir,
    env: { TEST_API_KEY: 'sk-x' },
  });
  return { ...res, db };
}

beforeAll(async () => {
  await ensureBuilt();
  suite = makeSuite({ cases: numberedCases(12), config: {} });
  suite.write('good.mjs', "export const answer = (c) => 'it is ' + c.expected;\n");
  suite.write('syntax.mjs', 'export const answer = (c) => { return "x" \n');
  suite.write('noexport.mjs', 'export const reply = () => "x";\n');
  suite.write('undef.mjs', 'export const answer = (c) => { c.vars.question; };\n');
  suite.write('nulls.mjs', 'export const answer = () => null;\n');
  suite.write('object.mjs', 'export const answer = () => ({ answer: "x" });\n');
  suite.write(
    'some.mjs',
    "export const answer = (c) => (c.id === 'c003' ? undefined : 'it is ' + c.expected);\n",
  );
  // `/500` answers 500 to everything; `/html` answers a 200 HTML page, as a misrouted proxy does.
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/500')) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"internal error"}}');
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><html><body>Welcome to nginx!</body></html>');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  suite?.cleanup();
});

describe('checked before the first call: exit 2 naming the target or evaluator', () => {
  it('a function target whose module is missing', async () => {
    const res = await evalWith('missing', config([fn('./nowhere.mjs#answer')]));
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/nowhere\.mjs: target "app": cannot load module/);
    expect(existsSync(res.db)).toBe(false);
  });

  it('a module with a syntax error', async () => {
    const res = await evalWith('syntax', config([fn('./syntax.mjs#answer')]));
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /syntax\.mjs: target "app": cannot load module: .*(SyntaxError|Unexpected|missing)/i,
    );
  });

  it('a module without the export', async () => {
    const res = await evalWith('noexport', config([fn('./noexport.mjs#answer')]));
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/target "app": \.\/noexport\.mjs has no exported function "answer"/);
  });

  it("an undefined variable in an evaluator's value", async () => {
    const yaml = stringify({
      dataset: './golden.jsonl',
      targets: [fn('./good.mjs#answer')],
      evaluators: [{ type: 'contains', name: 'mentions', value: '{{ expectd }}' }],
    });
    const res = await evalWith('undef-var', yaml);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /undef-var\.yaml: evaluators\[0\]\.value: evaluator "mentions", case c001: .*expectd is undefined/,
    );
    expect(existsSync(res.db)).toBe(false);
  });
});

describe('a run where every result of a target is an error: exit 3 with the most frequent messages', () => {
  it('a function returning undefined: an error naming the function and what it returned', async () => {
    const res = await evalWith('undefined', config([fn('./undef.mjs#answer')]));
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(
      'assay: error: every result of target "app" is an error (12 of 12); most frequent:',
    );
    expect(res.stderr).toContain(
      '  12× ./undef.mjs#answer returned undefined; return a string or { output }',
    );
    // The summary always lists the top errors.
    expect(res.stdout).toMatch(/Errors\n {2}12× \.\/undef\.mjs#answer returned undefined/);
  });

  it('null, or an object without output', async () => {
    const nulls = await evalWith('nulls', config([fn('./nulls.mjs#answer')]));
    expect(nulls.code).toBe(3);
    expect(nulls.stderr).toContain('12× ./nulls.mjs#answer returned null;');
    const object = await evalWith('object', config([fn('./object.mjs#answer')]));
    expect(object.code).toBe(3);
    expect(object.stderr).toContain(
      '12× ./object.mjs#answer returned an object without "output" ({"answer":"x"})',
    );
  });

  it('a server that answers 500 to everything', async () => {
    const res = await evalWith(
      'http500',
      config([{ id: 'api', provider: 'http', url: `${baseURL}/500/chat`, body: { q: '{{ question }}' } }]),
    );
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(
      /every result of target "api" is an error \(12 of 12\); most frequent:\n {2}12× .*500/,
    );
  });

  it('a model API that answers HTML', async () => {
    const res = await evalWith(
      'html',
      config(
        [
          {
            id: 'model',
            provider: 'openai:some-model',
            baseURL: `${baseURL}/html/v1`,
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a config ${VAR}, not a JS template.
            apiKey: '${TEST_API_KEY}',
          },
        ],
        { prompt: '{{ question }}' },
      ),
    );
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(
      /every result of target "model" is an error \(12 of 12\); most frequent:\n {2}12× /,
    );
  });
});

describe('errors count against the default maxErrorRate gate', () => {
  it('one error in 12 results fails the default 1% gate: exit 1, the summary says which error', async () => {
    const res = await evalWith('some', config([fn('./some.mjs#answer')]));
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('✘ maxErrorRate: 1 error in 12 results (8.3%) > 1.0%');
    expect(res.stdout).toContain('1× ./some.mjs#answer returned undefined');
    const tolerant = await evalWith(
      'tolerant',
      config([fn('./some.mjs#answer')], { gates: { maxErrorRate: 0.1 } }),
    );
    expect(tolerant.code).toBe(0);
    expect(tolerant.stdout).toContain('✔ maxErrorRate: 1 error in 12 results (8.3%) ≤ 10.0%');
  });
});
