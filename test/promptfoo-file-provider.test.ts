import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exitCodeFor } from '../src/cli/exit-codes.js';
import { loadConfig } from '../src/config/load.js';
import { errorMessage, isAssayError } from '../src/core/errors.js';
import { buildSuite } from '../src/suite/build-suite.js';
import { runConfig } from './helpers/in-process.js';
import { tempDir } from './helpers/suite.js';

vi.setConfig({ testTimeout: 60_000 });

// Real provider files as promptfoo users write them: a class with id() and callApi(prompt, context).
const CLASS_BODY = `{
  constructor(options) { this.options = options; }
  id() { return this.options.id; }
  async callApi(prompt, context) {
    if (context.vars.fail) return { error: 'upstream said no' };
    const text = this.options.config.shout ? prompt.toUpperCase() : prompt;
    return { output: text + ' (' + this.options.id + ')', tokenUsage: { total: 7, prompt: 3, completion: 4 }, cost: 0.25 };
  }
}`;

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function suite(provider: string, extra = ''): string {
  const file = join(tmp.dir, 'promptfooconfig.yaml');
  writeFileSync(
    file,
    `prompts: ["Say {{word}}"]
providers:
  - id: ${provider}
    config: { shout: true }${extra}
tests:
  - vars: { word: hi }
    assert: [{ type: equals, value: "SAY HI (${provider})" }, { type: cost, threshold: 0.3 }]
  - vars: { word: no, fail: "yes" }
`,
  );
  return file;
}

/** The error building the suite gives (what `assay eval` prints, exit 2), or undefined. */
async function preflightError(file: string): Promise<{ code: number; message: string } | undefined> {
  try {
    await buildSuite(await loadConfig(file, {}), { env: {}, assayVersion: 'test' });
    return undefined;
  } catch (error) {
    if (!isAssayError(error)) throw error;
    return { code: exitCodeFor(error), message: [errorMessage(error), ...(error.details ?? [])].join('\n') };
  }
}

describe('promptfoo file:// providers', () => {
  for (const [file, source] of [
    ['provider.mjs', `export default class Echo ${CLASS_BODY}`],
    ['provider.cjs', `module.exports = class Echo ${CLASS_BODY};`],
    ['provider.js', `module.exports = class Echo ${CLASS_BODY};`],
  ] as const) {
    it(`runs a class from ${file} with { id, config }, its usage, cost and errors`, async () => {
      writeFileSync(join(tmp.dir, file), source);
      const { results } = await runConfig(suite(`file://${file}`), join(tmp.dir, 'a.db'), { cache: false });
      const [ok, failed] = [results.find((r) => r.caseId === '1')!, results.find((r) => r.caseId === '2')!];
      expect(ok.output?.text).toBe(`SAY HI (file://${file})`);
      expect(ok).toMatchObject({
        pass: true,
        output: { usage: { inputTokens: 3, outputTokens: 4 }, costUsd: 0.25 },
      });
      expect(failed.pass).toBe(false);
      expect(failed.error).toContain('upstream said no');
    });
  }

  it('fails before any call, exit 2 naming the provider, when the file is missing', async () => {
    const e = await preflightError(suite('file://missing.mjs'));
    expect(e?.code).toBe(2);
    expect(e?.message).toContain('providers[0]: provider "file://missing.mjs": file not found');
  });

  it('fails before any call, exit 2 naming the provider, when there is no default export', async () => {
    writeFileSync(join(tmp.dir, 'named.mjs'), `export class Echo ${CLASS_BODY}`);
    const e = await preflightError(suite('file://named.mjs', '\n    label: echo'));
    expect(e).toMatchObject({ code: 2 });
    expect(e?.message).toContain('target "echo": named.mjs has no export "default"');
  });

  it('fails before any call when the export is not a provider class', async () => {
    writeFileSync(join(tmp.dir, 'plain.mjs'), 'export default class Nothing {}');
    const e = await preflightError(suite('file://plain.mjs'));
    expect(e).toMatchObject({ code: 2 });
    expect(e?.message).toContain('target "file://plain.mjs" (plain.mjs): the provider class has no callApi');
  });

  it('refuses file://provider.js:function, which promptfoo does not load either', async () => {
    writeFileSync(join(tmp.dir, 'provider.mjs'), `export default class Echo ${CLASS_BODY}`);
    const e = await preflightError(suite('file://provider.mjs:Echo'));
    expect(e).toMatchObject({ code: 2 });
    expect(e?.message).toContain("promptfoo loads a provider file's default export only");
  });
});
