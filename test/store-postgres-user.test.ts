import { userInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { connectAs, openPostgresStore } from '../src/store/postgres.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';

// Issue 10 item 7: a URL without a user name failed with the driver's "no PostgreSQL user name
// specified in startup packet" when $USER was unset; libpq falls back to PGUSER, then the OS user.

describe('connectAs (the user a PostgreSQL URL connects as)', () => {
  it('keeps the URL user, else takes PGUSER, else the OS user, and never shows the password', () => {
    const named = connectAs('postgres://alice:s3cret@db.example:5432/evals', { PGUSER: 'bob' });
    expect(named.user).toBe('alice');
    expect(named.url).toBe('postgres://alice:s3cret@db.example:5432/evals');
    expect(named.describe).toBe('at db.example:5432/evals as user "alice"');

    const fromEnv = connectAs('postgres://:s3cret@db.example:5432/evals', { PGUSER: 'bob' });
    expect(fromEnv.url).toBe('postgres://bob:s3cret@db.example:5432/evals');
    expect(fromEnv.describe).toBe('at db.example:5432/evals as user "bob" (PGUSER; the URL names none)');

    const fromOs = connectAs('postgresql://127.0.0.1:5432/test', {});
    expect(fromOs.user).toBe(userInfo().username);
    expect(fromOs.url).toBe(`postgresql://${userInfo().username}@127.0.0.1:5432/test`);
    expect(fromOs.describe).toMatch(/as user ".+" \(the OS user; the URL names none\)$/);

    for (const c of [named, fromEnv, fromOs]) expect(c.describe).not.toContain('s3cret');
  });
});

const probe = await probePostgres();
const host = new URL(PG_URL).host;

describe.runIf(probe.ok)('openPostgresStore with a URL that names no user', () => {
  const saved = { USER: process.env.USER, PGUSER: process.env.PGUSER };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('connects as the OS user when $USER and PGUSER are unset', async () => {
    delete process.env.USER;
    delete process.env.PGUSER;
    const schema = freshSchema('assay_user');
    // This machine's test server has a role for the OS user (root); elsewhere the message must name it.
    const os = userInfo().username;
    try {
      const store = await openPostgresStore(`postgres://${host}/test`, { schema, env: {} });
      await store.close();
    } catch (error) {
      expect((error as Error).message).toContain(`as user "${os}" (the OS user; the URL names none)`);
      expect((error as Error).message).not.toMatch(/no PostgreSQL user name specified/);
    } finally {
      await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });

  it('says which user it tried and where it came from, without the password', async () => {
    const err = await openPostgresStore(`postgres://:pw-s3cret@${host}/test`, {
      env: { PGUSER: 'assay_no_such_role' },
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toContain(
      `cannot open the PostgreSQL store at ${host}/test as user "assay_no_such_role" (PGUSER; the URL names none)`,
    );
    expect(message).toMatch(/role "assay_no_such_role" does not exist/);
    expect(message).not.toContain('pw-s3cret');
  });
});
