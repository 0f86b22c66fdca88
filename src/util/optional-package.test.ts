import { describe, expect, it } from 'vitest';
import { importOptional } from './optional-package.js';

describe('importOptional', () => {
  it('names the missing package and the command that installs it', async () => {
    // A package that is not installed, under a name that starts like pg's: Node's real error.
    const missing = 'pg-not-installed-anywhere';
    const err = await importOptional('pg', () => import(missing)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'module.load' });
    expect((err as Error).message).toBe(
      'a PostgreSQL store (--db postgres://…) needs the npm package pg, which is not installed: npm install pg@8.23.1',
    );
  });

  it('passes through an error raised inside an installed package', async () => {
    const inside = new TypeError('boom');
    await expect(importOptional('tsx', () => Promise.reject(inside))).rejects.toBe(inside);
  });

  it('returns the module when it is there', async () => {
    const mod = await importOptional('tsx', () => import('tsx/esm/api'));
    expect(typeof mod.tsImport).toBe('function');
  });
});
