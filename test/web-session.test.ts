import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../src/server/web/csp.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { seedFixtureRun } from './fixtures/report-run.js';
import { makeKey, startAssayServe } from './helpers/web-server.js';

describe('the web app on assay serve: sign-in sessions, CSRF, static pages under a strict CSP', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startAssayServe>>;
  let token: string;

  const cookiesOf = (res: Response) =>
    res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .join('; ');

  async function signIn(key = token): Promise<{ cookie: string; csrf: string; setCookies: string[] }> {
    const res = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ apiKey: key }),
    });
    expect(res.status).toBe(200);
    const cookie = cookiesOf(res);
    return { cookie, csrf: /assay_csrf=([^;]+)/.exec(cookie)![1]!, setCookies: res.headers.getSetCookie() };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'assay-web-session-'));
    const store = await openSqliteStore(join(dir, 'assay.db'));
    await seedFixtureRun(store, { id: 'run-b', baselineId: 'run-a' });
    await store.close();
    server = await startAssayServe(join(dir, 'assay.db'));
    token = server.key;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the API without a key or session, and with a wrong key', async () => {
    expect((await fetch(`${server.url}/api/v1/runs`)).status).toBe(401);
    const bad = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: 'assay_wrong' }),
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.getSetCookie()).toEqual([]);
    expect(
      (await fetch(`${server.url}/api/v1/runs`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
  });

  it('signs in with a key into an httpOnly SameSite=Strict cookie that holds no key', async () => {
    const { cookie, setCookies } = await signIn();
    const session = setCookies.find((c) => c.startsWith('assay_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    expect(session).not.toContain(token);
    expect(setCookies.find((c) => c.startsWith('assay_csrf='))).not.toMatch(/HttpOnly/i);
    const runs = await fetch(`${server.url}/api/v1/runs`, { headers: { cookie } });
    expect(runs.status).toBe(200);
    expect(((await runs.json()) as { runs: unknown[] }).runs).toHaveLength(2);
  });

  it('rejects a tampered or foreign-origin session, and sign-out without the CSRF token', async () => {
    const { cookie, csrf } = await signIn();
    // One character of the token changed, and a token made up: neither is a session.
    const tampered = cookie.replace(/assay_session=([^;]+)/, (_m, t: string) => {
      const last = t.at(-1) === 'A' ? 'B' : 'A';
      return `assay_session=${t.slice(0, -1)}${last}`;
    });
    expect(tampered).not.toBe(cookie);
    expect((await fetch(`${server.url}/api/v1/runs`, { headers: { cookie: tampered } })).status).toBe(401);
    const forged = `assay_session=${'A'.repeat(43)}; assay_csrf=${csrf}`;
    expect((await fetch(`${server.url}/api/v1/runs`, { headers: { cookie: forged } })).status).toBe(401);
    const foreign = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ apiKey: token }),
    });
    expect(foreign.status).toBe(403);
    expect(
      (await fetch(`${server.url}/api/v1/session`, { method: 'DELETE', headers: { cookie } })).status,
    ).toBe(403);
    const out = await fetch(`${server.url}/api/v1/session`, {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(out.status).toBe(204);
    // Signed out in the store: the old cookie, replayed, is no session anywhere.
    expect((await fetch(`${server.url}/api/v1/runs`, { headers: { cookie } })).status).toBe(401);
  });

  it('ends every session of a key the moment the key is revoked', async () => {
    const other = await makeKey(server);
    const { cookie } = await signIn(other);
    expect((await fetch(`${server.url}/api/v1/runs`, { headers: { cookie } })).status).toBe(200);
    const key = (await server.store.listApiKeys()).find(
      (k) => other.startsWith(k.prefix) && k.revokedAt === null,
    )!;
    await server.store.revokeApiKey(key.id, new Date().toISOString());
    expect((await fetch(`${server.url}/api/v1/runs`, { headers: { cookie } })).status).toBe(401);
  });

  it('serves every page path with the app and a strict CSP, assets as files, never the API as HTML', async () => {
    for (const path of ['/', '/runs/run-b?status=fail', '/compare?baseline=a&candidate=b', '/sign-in']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await res.text();
      expect(html).toContain('<div id="root"></div>');
      expect(html).not.toMatch(/<script>|<style>|\sstyle=/);
    }
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
    const html = await (await fetch(server.url)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(`${server.url}${script}`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
    const api = await fetch(`${server.url}/api/v1/nothing`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.headers.get('content-type') ?? '').not.toMatch(/html/);
    const traversal = await fetch(`${server.url}/%2e%2e/package.json`);
    expect(await traversal.text()).not.toContain('"name": "assay"');
  });
});
