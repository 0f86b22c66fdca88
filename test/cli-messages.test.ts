import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { runCli } from './helpers/cli.js';
import { makeSuite, numberedCases, type TempSuite } from './helpers/suite.js';

// Issue 10, item 10: messages a new user meets.
vi.setConfig({ testTimeout: 120_000 });

let suite: TempSuite;

beforeAll(async () => {
  await ensureBuilt();
  suite = makeSuite({
    cases: numberedCases(2),
    config: {
      dataset: './golden.jsonl',
      targets: [{ id: 'echo', provider: 'function', module: './app.mjs#answer' }],
      evaluators: [{ type: 'contains', value: '{{ expected }}' }],
    },
  });
  suite.write('app.mjs', 'export const answer = (c) => c.vars.question;\n');
}, BUILD_TIMEOUT_MS);

afterAll(() => suite?.cleanup());

/** stderr as lines, without the empty last one. */
const lines = (text: string) => text.split('\n').filter((l) => l !== '');

describe('a bad flag', () => {
  it('prints one line and a hint, not the usage (exit 2)', async () => {
    const res = await runCli(['eval', '--outptu', 'x.json'], { cwd: suite.dir });
    expect(res.code).toBe(2);
    expect(lines(res.stderr)).toEqual([
      "assay: error: unknown option '--outptu' (did you mean --output?)",
      'assay: hint: "assay eval --help" lists its options',
    ]);
    expect(res.stdout).toBe('');
  });

  it('an unknown command and a bad value: the same shape', async () => {
    const unknown = await runCli(['evl'], { cwd: suite.dir });
    expect(unknown.code).toBe(2);
    expect(lines(unknown.stderr)).toEqual([
      "assay: error: unknown command 'evl' (did you mean eval?)",
      'assay: hint: "assay --help" lists the commands',
    ]);
    const bad = await runCli(['eval', '--concurrency', 'many'], { cwd: suite.dir });
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr)).toHaveLength(2);
    expect(bad.stderr).toContain('expected a positive whole number');
  });
});

describe('binary input', () => {
  it('a binary dataset is refused in words, with no raw bytes', async () => {
    const bin = makeSuite({ datasetText: '', config: { dataset: './golden.jsonl', targets: [] } });
    try {
      const bytes = randomBytes(4096);
      bytes[10] = 0;
      writeFileSync(join(bin.dir, 'golden.jsonl'), bytes);
      bin.write(
        'assay.yaml',
        'dataset: ./golden.jsonl\ntargets:\n  - id: echo\n    provider: function\n    module: ./app.mjs#answer\nevaluators:\n  - type: contains\n    value: x\n',
      );
      bin.write('app.mjs', 'export const answer = () => "x";\n');
      const res = await runCli(['eval'], { cwd: bin.dir });
      expect(res.code).toBe(2);
      expect(lines(res.stderr)).toHaveLength(1);
      expect(res.stderr).toMatch(/golden\.jsonl: not (a text file|UTF-8 text)/);
      // Printable ASCII (and the message's own punctuation) only.
      expect(res.stderr).toMatch(/^[\x20-\x7e\n]*$/);
    } finally {
      bin.cleanup();
    }
  });

  it('invalid UTF-8 without NUL bytes is refused too', async () => {
    const bin = makeSuite({ datasetText: '', config: 'x: 1\n' });
    try {
      writeFileSync(join(bin.dir, 'golden.jsonl'), Buffer.from([0x7b, 0xff, 0xfe, 0x22, 0x7d, 0x0a]));
      bin.write(
        'assay.yaml',
        'dataset: ./golden.jsonl\ntargets:\n  - id: echo\n    provider: function\n    module: ./app.mjs#answer\nevaluators:\n  - type: contains\n    value: x\n',
      );
      const res = await runCli(['eval'], { cwd: bin.dir });
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/golden\.jsonl: not UTF-8 text/);
      expect(res.stderr).not.toContain('\ufffd');
    } finally {
      bin.cleanup();
    }
  });
});

describe('an ambiguous run-id prefix', () => {
  it('lists the candidates', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await runCli(['eval', '--db', suite.db], { cwd: suite.dir });
      expect(res.code).toBe(0);
      ids.push(/run (\d{8}-\d{6}-[0-9a-f]{4})/.exec(res.stdout)![1]!);
    }
    // The ids share at least their date (and a run that straddles midnight, most of it).
    let prefix = ids[0]!;
    while (!ids[1]!.startsWith(prefix)) prefix = prefix.slice(0, -1);
    expect(prefix.length).toBeGreaterThan(0);
    const res = await runCli(['show', prefix, '--db', suite.db], { cwd: suite.dir });
    expect(res.code).toBe(2);
    expect(lines(res.stderr)).toHaveLength(1);
    expect(res.stderr).toContain(`run id "${prefix}" is ambiguous: it starts `);
    for (const id of ids) expect(res.stderr).toContain(id);
    expect(res.stderr).toContain('give more characters');
  });
});
