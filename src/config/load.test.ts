import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { findConfig, loadConfig, resolvePrompt } from './load.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

/** The AssayError a load throws. */
async function failure(file: string, env: Record<string, string> = {}): Promise<AssayError> {
  try {
    await loadConfig(file, env);
  } catch (error) {
    expect(error).toBeInstanceOf(AssayError);
    return error as AssayError;
  }
  throw new Error('expected loadConfig to fail');
}

const MINIMAL = `dataset: ./golden.jsonl
targets:
  - provider: function
    module: ./app.mjs#answer
`;

describe('loadConfig (YAML)', () => {
  it('loads a minimal config with its defaults', async () => {
    const file = write('assay.yaml', MINIMAL);
    const { config, baseDir, hash } = await loadConfig(file, {});
    expect(baseDir).toBe(dir);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(config.concurrency).toBe(16);
    expect(config.retries).toBe(4);
    expect(config.cache).toBe(true);
    expect(config.evaluators).toEqual([]);
    expect(config.targets).toEqual([{ provider: 'function', module: './app.mjs#answer' }]);
  });

  it('a YAML syntax error names the file and line', async () => {
    const file = write(
      'assay.yaml',
      `dataset: ./golden.jsonl\ntargets:\n  - provider: function\n    module: [oops\n`,
    );
    const e = await failure(file);
    expect(e.code).toBe('config.invalid');
    expect(e.file).toBe(file);
    expect(e.line).toBeGreaterThanOrEqual(4);
    expect(e.toString()).toMatch(new RegExp(`^${file}:\\d+: `));
  });

  it('a wrong type names the field path and its line', async () => {
    const file = write('assay.yaml', `${MINIMAL}concurrency: many\n`);
    const e = await failure(file);
    expect(e.field).toBe('concurrency');
    expect(e.line).toBe(5);
    expect(e.toString()).toBe(`${file}:5: concurrency: ${e.message}`);
  });

  it('a nested error names the full path (targets[1].baseURL)', async () => {
    const file = write(
      'assay.yaml',
      `${MINIMAL}  - provider: openai:gpt-4o-mini\n    prompt: hi\n    baseURL: not a url\n`,
    );
    const e = await failure(file);
    expect(e.field).toBe('targets[1].baseURL');
    expect(e.line).toBe(7);
  });

  it('rejects an unknown top-level key, pointing at it', async () => {
    const file = write('assay.yaml', `${MINIMAL}gates:\n  passRate: 0.9\nconcurency: 4\n`);
    const e = await failure(file);
    expect(e.message).toBe('unknown key(s): concurency');
    expect(e.field).toBe('concurency');
    expect(e.line).toBe(7);
  });

  it('rejects a misspelt target key rather than ignoring it', async () => {
    const file = write(
      'assay.yaml',
      `dataset: d.jsonl\nprompt: hi\ntargets:\n  - provider: openai:m\n    baseUrl: http://127.0.0.1:1/v1\n`,
    );
    const e = await failure(file);
    expect(e.field).toBe('targets[0].baseUrl');
    expect(e.line).toBe(5);
    expect(e.message).toContain('baseUrl');
  });

  it('a block value is reported on its key line', async () => {
    const file = write('assay.yaml', `${MINIMAL}gates:\n  passRate: 2\n`);
    const e = await failure(file);
    expect(e.field).toBe('gates.passRate');
    expect(e.line).toBe(6);
  });

  it('refuses two targets with the same id', async () => {
    const file = write('assay.yaml', `${MINIMAL}  - provider: function\n    module: ./app.mjs#answer\n`);
    const e = await failure(file);
    expect(e.message).toMatch(/duplicate target id/);
    expect(e.field).toBe('targets[1].id');
  });

  it('a config that is not a mapping is refused', async () => {
    const e = await failure(write('assay.yaml', '- a\n- b\n'));
    expect(e.code).toBe('config.invalid');
  });
});

// biome-ignore lint/suspicious/noTemplateCurlyInString: a config ${VAR}, not a JS template.
describe('${VAR} interpolation', () => {
  const withKey = `${MINIMAL}  - provider: openai:gpt-4o-mini
    prompt: hi
    apiKey: \${MY_KEY}
    baseURL: \${BASE:-http://127.0.0.1:8080/v1}
`;

  it('fills in variables and defaults', async () => {
    const file = write('assay.yaml', withKey);
    const { config } = await loadConfig(file, { MY_KEY: 'sk-1' });
    expect(config.targets[1]).toMatchObject({ apiKey: 'sk-1', baseURL: 'http://127.0.0.1:8080/v1' });
    const other = await loadConfig(file, { MY_KEY: 'sk-1', BASE: 'http://h:1/v1' });
    expect(other.config.targets[1]).toMatchObject({ baseURL: 'http://h:1/v1' });
  });

  it('a missing variable names the field, the variable and the line', async () => {
    const file = write('assay.yaml', withKey);
    const e = await failure(file, {});
    expect(e.code).toBe('config.env');
    expect(e.field).toBe('targets[1].apiKey');
    expect(e.line).toBe(7);
    expect(e.message).toBe('environment variable MY_KEY is not set');
  });

  it('the hash is taken before interpolation: no secret enters it, and it does not change with one', async () => {
    const file = write('assay.yaml', withKey);
    const a = await loadConfig(file, { MY_KEY: 'sk-1' });
    const b = await loadConfig(file, { MY_KEY: 'sk-2' });
    expect(a.hash).toBe(b.hash);
  });
});

describe('config modules', () => {
  it('loads assay.config.ts (TypeScript, default export) found by name', async () => {
    write(
      'assay.config.ts',
      `const concurrency: number = 3;
export default { dataset: './golden.jsonl', targets: [{ provider: 'function', module: './app.mjs#answer' }], concurrency };
`,
    );
    const file = findConfig(undefined, dir);
    expect(file).toBe(join(dir, 'assay.config.ts'));
    const { config } = await loadConfig(file, {});
    expect(config.concurrency).toBe(3);
  });

  it('loads a .mjs config exporting a function', async () => {
    const file = write(
      'suite.mjs',
      `export default async () => ({ dataset: 'g.csv', targets: [{ provider: 'function', module: './a.mjs#f' }] });\n`,
    );
    const { config } = await loadConfig(file, {});
    expect(config.dataset).toBe('g.csv');
  });

  it('validates a module config like YAML (field path, no line)', async () => {
    const file = write('assay.config.js', `export default { dataset: 'g.csv', targets: [], bogus: 1 };\n`);
    const e = await failure(file);
    expect(e.code).toBe('config.invalid');
    expect(e.field).toBe('targets');
  });

  it('a module that fails to load is a module.load error naming the file', async () => {
    const file = write('assay.config.mjs', 'export default {;\n');
    const e = await failure(file);
    expect(e.code).toBe('module.load');
    expect(e.file).toBe(file);
  });
});

describe('findConfig and resolvePrompt', () => {
  it('names the missing file, or says how to start', () => {
    expect(() => findConfig('nope.yaml', dir)).toThrow(/config file not found/);
    expect(() => findConfig(undefined, dir)).toThrow(/assay init/);
  });

  it('reads a prompt from a template file next to the config', async () => {
    write('answer.njk', 'Q: {{ question }}');
    expect(await resolvePrompt('answer.njk', dir)).toEqual({
      prompt: 'Q: {{ question }}',
      file: join(dir, 'answer.njk'),
    });
    expect(await resolvePrompt('Answer: {{ question }}', dir)).toEqual({ prompt: 'Answer: {{ question }}' });
    await expect(resolvePrompt('missing.txt', dir)).rejects.toThrow(/prompt file not found/);
  });
});
