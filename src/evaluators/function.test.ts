import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importModule } from '../config/load.js';
import type { Evaluator, EvaluatorInput, Score } from '../core/score.js';
import type { EvaluatorContext } from './factory.js';
import { functionEvaluator, toScore } from './function.js';

let dir: string;
let ctx: EvaluatorContext;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-fn-'));
  writeFileSync(
    join(dir, 'scorers.mjs'),
    `export const mentionsCity = ({ case: c, output }) => output.text.includes(c.vars.city);
export const length = ({ output }) => Math.min(1, output.text.length / 10);
export const verdict = ({ output }) => ({ pass: output.text !== 'bad', reason: 'looked at it' });
export const broken = () => { throw new Error('scorer bug'); };
export const notAScorer = 42;
`,
  );
  writeFileSync(
    join(dir, 'typed.ts'),
    `export function polite(i: { output: { text: string } }): boolean { return /please/i.test(i.output.text); }\n`,
  );
  ctx = { baseDir: dir, loadModule: importModule };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const input = (text: string): EvaluatorInput => ({
  case: { id: 'c', vars: { city: 'Paris' }, tags: {} },
  output: { text, latencyMs: 1 },
  target: 't',
});

const make = (module: string, extra: Record<string, unknown> = {}): Promise<Evaluator> =>
  Promise.resolve(functionEvaluator({ type: 'function', module, ...extra }, ctx));

describe('function evaluator', () => {
  it('a boolean scorer, named by its export', async () => {
    const e = await make('./scorers.mjs#mentionsCity');
    expect(e.name).toBe('mentionsCity');
    expect(await e.evaluate(input('in Paris'))).toEqual({ evaluator: 'mentionsCity', value: 1, pass: true });
    expect(await e.evaluate(input('in Rome'))).toMatchObject({ value: 0, pass: false });
  });

  it('a number scorer passes at the threshold', async () => {
    const e = await make('./scorers.mjs#length', { threshold: 0.5, name: 'long-enough' });
    expect(await e.evaluate(input('12345'))).toEqual({ evaluator: 'long-enough', value: 0.5, pass: true });
    expect(await e.evaluate(input('1234'))).toMatchObject({ value: 0.4, pass: false });
  });

  it('an object scorer keeps its reason', async () => {
    const e = await make('./scorers.mjs#verdict');
    expect(await e.evaluate(input('bad'))).toEqual({
      evaluator: 'verdict',
      value: 0,
      pass: false,
      reason: 'looked at it',
    });
  });

  it('a TypeScript scorer is loaded through tsx', async () => {
    const e = await make('./typed.ts#polite');
    expect(((await e.evaluate(input('Please wait'))) as Score).pass).toBe(true);
  });

  it('a scorer that throws rejects: the runner turns that into an error score', async () => {
    const e = await make('./scorers.mjs#broken');
    await expect(Promise.resolve().then(() => e.evaluate(input('x')))).rejects.toThrow('scorer bug');
  });

  it('a missing export or file is an evaluator.invalid / module.load error when the suite is built', async () => {
    await expect(make('./scorers.mjs#notAScorer')).rejects.toMatchObject({
      code: 'evaluator.invalid',
      field: 'module',
    });
    await expect(make('./missing.mjs#x')).rejects.toMatchObject({ code: 'module.load' });
    await expect(make('no-hash')).rejects.toMatchObject({ code: 'evaluator.invalid', field: 'module' });
  });
});

describe('toScore', () => {
  it('maps what a scorer returns; nonsense is an error score, not a fail', () => {
    expect(toScore('s', { score: 0.7 }, 0.5)).toEqual({ evaluator: 's', value: 0.7, pass: true });
    expect(toScore('s', { score: 0.7, pass: false }, 0.5)).toMatchObject({ pass: false });
    expect(toScore('s', Number.NaN, 0.5)).toMatchObject({ value: null, pass: null });
    expect(toScore('s', null, 0.5)).toMatchObject({
      value: null,
      pass: null,
      error: expect.stringMatching(/scorer returned null/),
    });
    expect(toScore('s', {}, 0.5)).toMatchObject({
      value: null,
      error: 'scorer returned neither pass nor score',
    });
  });
});
