import { describe, expect, it } from 'vitest';
import type { Case } from '../core/case.js';
import { createFunctionTarget } from './function-target.js';

const c: Case = { id: 'c1', vars: { question: 'q' }, tags: {} };
const call = (value: unknown) =>
  createFunctionTarget({ id: 'app', source: './app.mjs#answer', fn: () => value })
    .plan(c)
    .invoke(new AbortController().signal);

describe('what a target function may return', () => {
  it('a string, { output }, or only tool calls', async () => {
    expect((await call('hi')).text).toBe('hi');
    expect((await call({ output: 'hi', contexts: ['d'] })).text).toBe('hi');
    expect((await call({ toolCalls: [{ name: 'f', arguments: {} }] })).toolCalls).toHaveLength(1);
  });

  it('anything else is an error naming the function and what it returned, never an empty answer', async () => {
    const message = (v: unknown) =>
      call(v).then(
        () => 'answered',
        (e: Error) => e.message,
      );
    expect(await message(undefined)).toBe(
      './app.mjs#answer returned undefined; return a string or { output }',
    );
    expect(await message(null)).toBe('./app.mjs#answer returned null; return a string or { output }');
    expect(await message(42)).toBe('./app.mjs#answer returned 42; return a string or { output }');
    expect(await message(['a'])).toBe('./app.mjs#answer returned ["a"]; return a string or { output }');
    expect(await message({ answer: 'x' })).toBe(
      './app.mjs#answer returned an object without "output" ({"answer":"x"}); return a string or { output }',
    );
    expect(await message({ output: null })).toMatch(/without "output"/);
    await expect(call(undefined)).rejects.toMatchObject({ code: 'target.failed', retryable: false });
  });

  it('check() loads a lazy function before any call, and fails as the first call would', async () => {
    let loads = 0;
    const target = createFunctionTarget({
      id: 'app',
      lazy: true,
      fn: async () => {
        loads++;
        throw new Error('cannot load module: boom');
      },
    });
    await expect(target.check!()).rejects.toThrow('boom');
    expect(loads).toBe(1);
  });
});
