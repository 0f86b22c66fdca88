import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/monitor/api-keys.js';
import { type RunningServer, startServer } from '../src/server/main.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';

const pg = await probePostgres();
const quiet = () => {};

const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');

async function signIn(url: string, apiKey: string) {
  const res = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ apiKey }),
  });
  expect(res.status).toBe(200);
  const cookie = cookiesOf(res);
  return {
    cookie,
    token: /assay_session=([^;]+)/.exec(cookie)![1]!,
    csrf: /assay_csrf=([^;]+)/.exec(cookie)![1]!,
  };
}

const status = async (url: string, cookie: string, init: RequestInit = {}) =>
  (await fetch(`${url}/api/v1/runs`, { ...init, headers: { cookie, ...(init.headers ?? {}) } })).status;

/**
 * Sessions are kept in the store (only the SHA-256 of the cookie's token): one survives restarting
 * `assay serve` and is accepted by every instance on the same database; sign-out ends it everywhere.
 */
describe.each([
  { engine: 'SQLite', skip: false },
  { engine: 'PostgreSQL', skip: !pg.ok && !process.env.CI },
])('web sessions in the store ($engine)', ({ engine, skip }) => {
  let dir: string;
  let db: string;
  let key: string;
  const schema = freshSchema('assay_sess');
  const servers: RunningServer[] = [];
  const start = async () => {
    const s = await startServer({ db, port: 0, print: quiet, threads: 0 });
    servers.push(s);
    return s;
  };

  beforeAll(async () => {
    if (skip) return;
    dir = mkdtempSync(join(tmpdir(), 'assay-sessions-'));
    if (engine === 'SQLite') db = join(dir, 'assay.db');
    else {
      await pgExec(`CREATE SCHEMA "${schema}"`);
      db = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    }
    const first = await start();
    key = (await createApiKey(first.store, 'default')).token;
  });
  afterAll(async () => {
    for (const s of servers) await s.close().catch(() => {});
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (!skip && engine === 'PostgreSQL') await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it.skipIf(skip)('a session survives restarting assay serve on the same database', async () => {
    const before = servers.at(-1)!;
    const { cookie } = await signIn(before.url, key);
    expect(await status(before.url, cookie)).toBe(200);
    await before.close();
    servers.pop();
    const after = await start();
    expect(await status(after.url, cookie)).toBe(200);
  });

  it.skipIf(skip)(
    'two servers on one database accept the same cookie; sign-out on one ends it on both',
    async () => {
      const [a, b] = [servers.at(-1)!, await start()];
      const { cookie, csrf } = await signIn(a.url, key);
      expect(await status(a.url, cookie)).toBe(200);
      expect(await status(b.url, cookie)).toBe(200);
      const out = await fetch(`${b.url}/api/v1/session`, {
        method: 'DELETE',
        headers: { cookie, 'x-csrf-token': csrf },
      });
      expect(out.status).toBe(204);
      expect(await status(a.url, cookie)).toBe(401);
      expect(await status(b.url, cookie)).toBe(401);
    },
  );

  it.skipIf(skip)(
    'a state-changing request on a session without the CSRF token is 403, with it passes',
    async () => {
      const url = servers.at(-1)!.url;
      const { cookie, csrf } = await signIn(url, key);
      const post = (headers: Record<string, string>) =>
        fetch(`${url}/api/v1/ingest`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ events: [] }),
        });
      const missing = await post({});
      expect(missing.status).toBe(403);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('forbidden');
      expect((await post({ 'x-csrf-token': `${csrf}x` })).status).toBe(403);
      expect((await post({ 'x-csrf-token': csrf })).status).not.toBe(403);
    },
  );

  it.skipIf(skip || engine !== 'SQLite')(
    'the store keeps the token’s SHA-256 only, with the key, project, role and expiry',
    async () => {
      const url = servers.at(-1)!.url;
      const { token, csrf } = await signIn(url, key);
      const store = await openSqliteStore(db);
      try {
        const rows = await store.db.selectFrom('web_sessions').selectAll().execute();
        const row = rows.find((r) => r.token_hash === createHash('sha256').update(token).digest('hex'))!;
        expect(row).toMatchObject({ principal_kind: 'key', role: 'admin' });
        expect(row.expires_ms - row.created_ms).toBe(12 * 3600 * 1000);
        const dump = JSON.stringify(rows);
        expect(dump).not.toContain(token);
        expect(dump).not.toContain(csrf);
        expect(dump).not.toContain(key);
      } finally {
        await store.close();
      }
    },
  );
});
