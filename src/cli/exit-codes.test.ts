import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { newRunId } from '../suite/run-id.js';
import { EXIT, exitCodeFor } from './exit-codes.js';

describe('exit codes', () => {
  it('bad input is 2; infrastructure and anything unknown is 3', () => {
    for (const code of [
      'config.invalid',
      'config.env',
      'dataset.parse',
      'evaluator.unknown',
      'usage',
    ] as const)
      expect(exitCodeFor(new AssayError(code, 'x'))).toBe(EXIT.usage);
    for (const code of ['provider.network', 'store.failed', 'run.aborted'] as const)
      expect(exitCodeFor(new AssayError(code, 'x'))).toBe(EXIT.infrastructure);
    expect(exitCodeFor(new Error('bug'))).toBe(EXIT.infrastructure);
    expect(EXIT).toEqual({ ok: 0, gatesFailed: 1, usage: 2, infrastructure: 3 });
  });

  it('what the user must fix is 2: bad values handed in, runs in the wrong state, unwritable paths', () => {
    for (const code of [
      'input.invalid',
      'run.conflict',
      'run.not-found',
      'file.write',
      'module.load',
    ] as const)
      expect(exitCodeFor(new AssayError(code, 'x'))).toBe(EXIT.usage);
    for (const code of ['target.failed', 'provider.http', 'provider.response'] as const)
      expect(exitCodeFor(new AssayError(code, 'x'))).toBe(EXIT.infrastructure);
  });
});

describe('run ids', () => {
  it('sort by time and read as a date', () => {
    const id = newRunId(new Date('2026-11-27T08:17:00.123Z'));
    expect(id).toMatch(/^20261127-081700-[0-9a-f]{4}$/);
    expect(newRunId(new Date('2026-11-27T08:17:01Z')) > id).toBe(true);
  });
});
