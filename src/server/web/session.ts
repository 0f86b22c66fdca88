import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { SessionStore, WebSession } from '../../core/web-session.js';

export const SESSION_COOKIE = 'assay_session';
export const CSRF_COOKIE = 'assay_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** A session lasts 12 hours; signing in again starts a new one. */
export const SESSION_MS = 12 * 60 * 60 * 1000;

/** Who a session or token is: an API key, or a person (`assay users add`) with `userId`. */
export interface Principal {
  id: string;
  projectId: string;
  userId?: string;
  /** The person's name and role, for the web app to show (and hide) the right pages. */
  user?: { name: string; role: 'reviewer' | 'admin' };
}
/** The live key (or person) a presented token is (the server's API-key check). */
export type KeyByToken = (token: string) => Promise<Principal | undefined>;
/** The live key or person a session names; undefined once the key is revoked or the person removed. */
export type ByPrincipal = (kind: WebSession['principalKind'], id: string) => Promise<Principal | undefined>;
/** A person signing in with a name and password, when the password is right. */
export type ByPassword = (name: string, password: string, project?: string) => Promise<Principal | undefined>;

export interface SessionDeps {
  /** Where sessions are kept (the database in `assay serve`). */
  store: SessionStore;
  byToken: KeyByToken;
  byPrincipal: ByPrincipal;
  /** Password sign-in (`POST /api/v1/session` { name, password }); without it only tokens sign in. */
  byPassword?: ByPassword;
  now?: () => number;
  /** Set `Secure` on the cookies whatever the request says (behind an HTTPS proxy that hides it). */
  secure?: boolean;
}

/** The session token's bytes: 256 random bits, like an API key. */
const TOKEN_BYTES = 32;
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
/** The CSRF token of a session, derived from its token: nothing more to store, nothing to forge. */
const csrfOf = (token: string) => createHmac('sha256', token).update('assay-csrf').digest('base64url');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const principalOf = (p: Principal) =>
  p.userId ? { kind: 'user' as const, id: p.userId } : { kind: 'key' as const, id: p.id };

const forbidden = (c: Context, message: string) => c.json({ error: { code: 'forbidden', message } }, 403);

/**
 * Browser sessions for the web app, kept server-side: signing in (with an API key, a personal token
 * or a password) stores a session — the SHA-256 of a random 256-bit token, the key or person, the
 * project, the role, the expiry — and sets the token in an httpOnly, SameSite=Strict cookie (Secure
 * over HTTPS). Nothing in server memory: a session survives a restart and works on every instance
 * of one store. Every request looks the session up and checks its key or person is still live, so
 * sign-out, a revoked key or a removed person ends it at once. State-changing requests on a session
 * need the CSRF token (double submit: a readable cookie, sent back in `x-csrf-token`).
 */
export function createSessions(deps: SessionDeps) {
  const now = deps.now ?? Date.now;

  const cookieOptions = (c: Context, maxAge: number, httpOnly: boolean) => ({
    path: '/',
    httpOnly,
    sameSite: 'Strict' as const,
    secure:
      deps.secure === true ||
      new URL(c.req.url).protocol === 'https:' ||
      c.req.header('x-forwarded-proto') === 'https',
    maxAge,
  });

  /** The session of a request, checked against the store and the live key or person; or undefined. */
  async function sessionOf(c: Context): Promise<
    | {
        projectId: string;
        keyId: string;
        userId?: string;
        user?: Principal['user'];
        csrf: string;
        hash: string;
      }
    | undefined
  > {
    const token = getCookie(c, SESSION_COOKIE);
    if (!token || token.length > 100) return undefined;
    const hash = sha256(token);
    const session = await deps.store.byHash(hash, now());
    if (!session) return undefined;
    const who = await deps.byPrincipal(session.principalKind, session.principalId);
    if (!who || who.projectId !== session.projectId) {
      await deps.store.delete(hash);
      return undefined;
    }
    return {
      projectId: who.projectId,
      keyId: who.id,
      ...(who.userId ? { userId: who.userId } : {}),
      ...(who.user ? { user: who.user } : {}),
      csrf: csrfOf(token),
      hash,
    };
  }

  /** Stores a new session for a key or person and sets its cookies; expired sessions are pruned. */
  async function startSession(c: Context, who: Principal): Promise<string> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const at = now();
    const { kind, id } = principalOf(who);
    await deps.store.prune(at);
    await deps.store.create({
      tokenHash: sha256(token),
      principalKind: kind,
      principalId: id,
      projectId: who.projectId,
      role: who.user?.role ?? 'admin',
      createdMs: at,
      expiresMs: at + SESSION_MS,
    });
    const seconds = Math.floor(SESSION_MS / 1000);
    setCookie(c, SESSION_COOKIE, token, cookieOptions(c, seconds, true));
    setCookie(c, CSRF_COOKIE, csrfOf(token), cookieOptions(c, seconds, false));
    return new Date(at + SESSION_MS).toISOString();
  }

  const signedIn = (who: Principal, expiresAt: string) => ({
    projectId: who.projectId,
    keyId: who.id,
    ...(who.userId ? { userId: who.userId } : {}),
    ...(who.user ? { user: who.user } : {}),
    expiresAt,
  });

  /**
   * Authenticates `/api/*` requests that carry a session cookie and no API key header: sets the
   * project like the key check does, and refuses a state-changing request without the CSRF token.
   * Requests with a key header, or with no live session, go on to the key check (401 there).
   */
  const middleware: MiddlewareHandler = async (c, next) => {
    if (c.req.header('authorization') || c.req.header('x-api-key')) return next();
    if (c.req.path === '/api/v1/session') return next();
    const session = await sessionOf(c);
    if (!session) return next();
    if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) {
      if (!same(c.req.header(CSRF_HEADER) ?? '', session.csrf))
        return forbidden(c, 'missing or wrong CSRF token (send the assay_csrf cookie in x-csrf-token)');
    }
    c.set('projectId' as never, session.projectId as never);
    c.set('keyId' as never, session.keyId as never);
    if (session.userId) c.set('userId' as never, session.userId as never);
    if (session.user) c.set('role' as never, session.user.role as never);
    return next();
  };

  /**
   * `POST /api/v1/session` {apiKey} or {name, password} signs in; `DELETE` signs out; `GET` says who
   * is signed in (with `user: { name, role }` for a person; an API key has no `user` and may do everything).
   */
  const routes = new Hono();
  routes.post('/api/v1/session', async (c) => {
    // A sign-in form posted from another site is refused (login CSRF).
    const origin = c.req.header('origin');
    if (origin && origin !== new URL(c.req.url).origin) return forbidden(c, 'sign-in from another origin');
    const body = (await c.req.json().catch(() => null)) as {
      apiKey?: unknown;
      name?: unknown;
      password?: unknown;
      project?: unknown;
    } | null;
    if (deps.byPassword && typeof body?.name === 'string' && typeof body.password === 'string') {
      const who = await deps.byPassword(
        body.name,
        body.password,
        typeof body.project === 'string' ? body.project : undefined,
      );
      if (!who) return c.json({ error: { code: 'unauthorized', message: 'wrong name or password' } }, 401);
      return c.json(signedIn(who, await startSession(c, who)));
    }
    const token = typeof body?.apiKey === 'string' ? body.apiKey.trim() : '';
    if (!token)
      return c.json(
        { error: { code: 'invalid', message: 'apiKey: expected the API key', field: 'apiKey' } },
        400,
      );
    const key = await deps.byToken(token);
    if (!key) return c.json({ error: { code: 'unauthorized', message: 'the API key is not valid' } }, 401);
    return c.json(signedIn(key, await startSession(c, key)));
  });
  // The sign-in link `assay users add` prints: a personal token in the query sets the session, then
  // the browser goes to `/` (the redirect drops the token from the address bar).
  routes.get('/login', async (c) => {
    const token = c.req.query('token')?.trim() ?? '';
    const key = token ? await deps.byToken(token) : undefined;
    if (!key)
      return c.json({ error: { code: 'unauthorized', message: 'the sign-in link is not valid' } }, 401);
    await startSession(c, key);
    c.header('Referrer-Policy', 'no-referrer');
    return c.redirect('/', 303);
  });
  routes.get('/api/v1/session', async (c) => {
    const s = await sessionOf(c);
    if (!s) return c.json({ error: { code: 'unauthorized', message: 'not signed in' } }, 401);
    return c.json({
      projectId: s.projectId,
      keyId: s.keyId,
      ...(s.userId ? { userId: s.userId } : {}),
      ...(s.user ? { user: s.user } : {}),
    });
  });
  routes.delete('/api/v1/session', async (c) => {
    const s = await sessionOf(c);
    if (s && !same(c.req.header(CSRF_HEADER) ?? '', s.csrf))
      return forbidden(c, 'missing or wrong CSRF token (send the assay_csrf cookie in x-csrf-token)');
    // The session ends in the store, not only in this browser: the old cookie is worthless everywhere.
    if (s) await deps.store.delete(s.hash);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    deleteCookie(c, CSRF_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  return { middleware, routes };
}
