import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvaluatorInput, Score } from '../core/score.js';
import type { EvaluatorContext } from './factory.js';
import { javascript } from './javascript.js';

const ctx: EvaluatorContext = { baseDir: '.', loadModule: (file) => import(file) };

const input = (text: string, vars: Record<string, unknown> = {}): EvaluatorInput => ({
  case: { id: 'c1', vars, tags: {} },
  output: { text, latencyMs: 1 },
  target: 't',
});

async function run(config: Record<string, unknown>, text: string, vars = {}, c = ctx): Promise<Score> {
  const e = await javascript({ type: 'javascript', ...config }, c);
  return (await e.evaluate(input(text, vars))) as Score;
}

describe('javascript', () => {
  it('runs a one-line check on the output, with the case variables in context.vars', async () => {
    expect((await run({ value: "output.includes('Paris')" }, 'It is Paris.')).pass).toBe(true);
    expect((await run({ value: 'output.length < 5;' }, 'far too long')).pass).toBe(false);
    expect((await run({ value: 'output === context.vars.answer' }, '42', { answer: '42' })).pass).toBe(true);
    expect((await run({ value: 'const n = Number(output); n > 10' }, '12')).pass).toBe(true);
  });

  it('a number passes above 0, or at the threshold; an object gives pass, score and reason', async () => {
    expect(await run({ value: 'output.length / 10' }, 'abc')).toMatchObject({ value: 0.3, pass: true });
    expect(await run({ value: 'output.length / 10', threshold: 0.5 }, 'abc')).toMatchObject({ pass: false });
    const multi =
      "const words = output.split(' ');\nreturn { pass: words.length === 2, score: 0.5, reason: 'two words' };";
    expect(await run({ value: multi }, 'two words')).toMatchObject({
      pass: true,
      value: 0.5,
      reason: 'two words',
    });
    expect((await run({ value: "'text'" }, 'x')).error).toMatch(/expected a boolean, a number/);
  });

  it('loads a check from a file, and refuses code that does not compile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-js-'));
    try {
      writeFileSync(
        join(dir, 'check.mjs'),
        'export default (output, context) => output.startsWith(context.vars.p);\n',
      );
      const c = { ...ctx, baseDir: dir };
      expect((await run({ file: './check.mjs' }, 'hello', { p: 'he' }, c)).pass).toBe(true);
      await expect(run({ file: './check.mjs#nope' }, 'x', {}, c)).rejects.toThrow(
        /exports no function "nope"/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await expect(run({ value: 'output ===' }, 'x')).rejects.toMatchObject({ field: 'value' });
  });
});
