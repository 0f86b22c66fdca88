import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { spawnCli } from './helpers/cli.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { tempDir } from './helpers/suite.js';
import { startAssayServe } from './helpers/web-server.js';

vi.setConfig({ testTimeout: 120_000 });

const pg = await probePostgres();

/**
 * `assay users list` and `assay users remove` against a running `assay serve` on the same store: a
 * removed person's token, password and session stop working at once, and the item they held goes
 * back to the pool.
 */
describe.each([
  { engine: 'SQLite', skip: false },
  { engine: 'PostgreSQL', skip: !pg.ok && !process.env.CI },
])('assay users list and remove ($engine)', ({ engine, skip }) => {
  const tmp = tempDir('assay-users-');
  const schema = freshSchema('assay_users');
  const db =
    engine === 'SQLite'
      ? `${tmp.dir}/assay.db`
      : `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  let server: Awaited<ReturnType<typeof startAssayServe>>;
  const cli = (args: string[], stdin = '') => {
    const running = spawnCli([...args, '--db', db], { cwd: tmp.dir });
    running.child.stdin!.end(stdin);
    return running.done;
  };

  beforeAll(async () => {
    if (skip) return;
    await ensureBuilt();
    if (engine === 'PostgreSQL') await pgExec(`CREATE SCHEMA "${schema}"`);
    server = await startAssayServe(db);
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    if (skip) return;
    await server.close();
    tmp.cleanup();
    if (engine === 'PostgreSQL') await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  const api = async (
    path: string,
    auth: { token?: string; cookie?: string },
    method = 'GET',
    body?: unknown,
  ) => {
    const res = await fetch(`${server.url}/api/v1/review${path}`, {
      method,
      headers: {
        ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
        ...(auth.cookie
          ? { cookie: auth.cookie, 'x-csrf-token': /assay_csrf=([^;]+)/.exec(auth.cookie)?.[1] ?? '' }
          : {}),
        'content-type': 'application/json',
        origin: server.url,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };

  it.skipIf(skip)(
    'lists people without their tokens; removing one revokes token, password and sessions at once',
    async () => {
      const ana = await cli(['users', 'add', 'ana', '--role', 'reviewer', '--password'], 'correct horse\n');
      expect(ana.code).toBe(0);
      const [token, signIn] = ana.stdout.trim().split('\n');
      expect(token).toMatch(/^assay_u_/);
      expect((await cli(['users', 'add', 'ben', '--role', 'reviewer'])).code).toBe(0);
      expect((await cli(['users', 'add', 'olu', '--role', 'admin'])).code).toBe(0);

      const listed = await cli(['users', 'list']);
      expect(listed.code).toBe(0);
      const day = new Date().toISOString().slice(0, 10);
      expect(listed.stdout.split('\n').map((l) => l.split(/\s+/).join(' '))).toEqual([
        'name role password added state',
        `ana reviewer yes ${day} active`,
        `ben reviewer no ${day} active`,
        `olu admin no ${day} active`,
        '',
      ]);
      expect(listed.stdout).not.toMatch(/assay_/);

      // ana works: a queue of one item with k = 1, which she takes; ben finds nothing left.
      await api('/queues', { token: server.key }, 'POST', {
        name: 'q',
        dimensions: [{ name: 'ok', labels: ['y', 'n'] }],
        raters: 1,
        trapRate: 0,
      });
      await api('/queues/q/items', { token: server.key }, 'POST', {
        items: [{ id: 'i1', input: 'a', output: 'b' }],
      });
      const login = await fetch(`${server.url}${signIn!.replace(/^sign in: /, '')}`, { redirect: 'manual' });
      expect(login.status).toBe(303);
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      expect((await api('/queues', { cookie })).status).toBe(200);
      expect((await api('/queues/q/next', { token: token! }, 'POST')).json.item.id).toBe('i1');
      const cy = (await cli(['users', 'add', 'cy', '--role', 'reviewer'])).stdout.split('\n')[0]!;
      expect((await api('/queues/q/next', { token: cy }, 'POST')).status).toBe(204);

      const removed = await cli(['users', 'remove', 'ana']);
      expect(removed.stderr).toBe('');
      expect(removed.stdout.trim()).toBe(
        'assay: removed reviewer "ana" from project "default": token and password revoked, 1 session(s) ended, 1 leased item(s) back in the pool; their labels stay',
      );
      expect(removed.code).toBe(0);
      // The running server refuses her token, her session and her password at once.
      expect((await api('/queues', { token: token! })).status).toBe(401);
      expect((await api('/queues', { cookie })).status).toBe(401);
      const password = await fetch(`${server.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.url },
        body: JSON.stringify({ name: 'ana', password: 'correct horse' }),
      });
      expect(password.status).toBe(401);
      // The item she held is free again.
      expect((await api('/queues/q/next', { token: cy }, 'POST')).json.item.id).toBe('i1');

      const after = await cli(['users', 'list', '--json']);
      const people = JSON.parse(after.stdout);
      expect(people.find((u: { name: string }) => u.name === 'ana')).toMatchObject({
        role: 'reviewer',
        project: 'default',
        password: true,
        removedAt: expect.stringMatching(new RegExp(`^${day}`)),
      });
      expect(
        people.filter((u: { removedAt?: string }) => !u.removedAt).map((u: { name: string }) => u.name),
      ).toEqual(['ben', 'cy', 'olu']);
    },
  );

  it.skipIf(skip)(
    'removing someone unknown, or adding a removed name again, is one line naming NAME',
    async () => {
      const unknown = await cli(['users', 'remove', 'zed']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr.trim()).toBe(
        'assay: error: NAME: no user "zed" in project default (see assay users list)',
      );
      const again = await cli(['users', 'remove', 'ana']);
      expect(again.code).toBe(2);
      expect(again.stderr.trim()).toBe(
        'assay: error: NAME: no user "ana" in project default (see assay users list)',
      );
      const readd = await cli(['users', 'add', 'ana', '--role', 'reviewer']);
      expect(readd.code).toBe(2);
      expect(readd.stderr.trim()).toMatch(
        /^assay: error: NAME: user "ana" was removed from project default on \d{4}-\d\d-\d\d \(their labels keep the name\): add them under another name$/,
      );
    },
  );
});
