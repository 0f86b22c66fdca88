import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

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
/** The live key (or person) a stored token hash belongs to; undefined when unknown or revoked. */
export type KeyByHash = (hash: string) => Promise<Principal | undefined>;
/** The live key (or person) a presented token is (the server's API-key check). */
export type KeyByToken = (token: string) => Promise<Principal | undefined>;
/** A person signing in with a name and password: their token hash, when the password is right. */
export type ByPassword = (name: string, password: string, project?: string) => Promise<string | undefined>;

export interface SessionDeps {
  byToken: KeyByToken;
  byHash: KeyByHash;
  /** Password sign-in (`POST /api/v1/session` { name, password }); without it only tokens sign in. */
  byPassword?: ByPassword;
  /** HMAC secret of the session cookies; a random one per process by default. */
  secret?: Buffer;
  now?: () => number;
  /** Set `Secure` on the cookies (behind HTTPS). */
  secure?: boolean;
}

interface Payload {
  /** SHA-256 of the API key signed in with (what the store keeps), so revoking the key ends the session. */
  k: string;
  /** Expiry, epoch ms. */
  e: number;
  /** The CSRF token of this session. */
  c: string;
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Browser sessions for the web app, on the API keys: signing in with a key sets an httpOnly,
 * SameSite=Strict cookie holding the key's hash and an expiry, signed with HMAC (no key in the
 * browser, nothing in server memory, and a revoked key ends its sessions at once since every request
 * looks the hash up). State-changing requests on a session need the CSRF token (double submit).
 */
export function createSessions(deps: SessionDeps) {
  const secret = deps.secret ?? randomBytes(32);
  const now = deps.now ?? Date.now;
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');

  const encode = (p: Payload) => {
    const body = b64(JSON.stringify(p));
    return `${body}.${sign(body)}`;
  };
  const decode = (cookie: string | undefined): Payload | undefined => {
    if (!cookie || cookie.length > 1000) return undefined;
    const [body, mac] = cookie.split('.');
    if (!body || !mac || !same(mac, sign(body))) return undefined;
    try {
      const p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
      return typeof p.k === 'string' && typeof p.e === 'number' && typeof p.c === 'string' && p.e > now()
        ? p
        : undefined;
    } catch {
      return undefined;
    }
  };

  const cookieOptions = (maxAge: number, httpOnly: boolean) => ({
    path: '/',
    httpOnly,
    sameSite: 'Strict' as const,
    secure: deps.secure ?? false,
    maxAge,
  });

  /** The session of a request, checked against the store: the key's project, or undefined. */
  async function sessionOf(
    c: Context,
  ): Promise<
    { projectId: string; keyId: string; userId?: string; user?: Principal['user']; csrf: string } | undefined
  > {
    const p = decode(getCookie(c, SESSION_COOKIE));
    if (!p) return undefined;
    const key = await deps.byHash(p.k);
    return key
      ? {
          projectId: key.projectId,
          keyId: key.id,
          ...(key.userId ? { userId: key.userId } : {}),
          ...(key.user ? { user: key.user } : {}),
          csrf: p.c,
        }
      : undefined;
  }

  /** Sets the session and CSRF cookies for a token hash. */
  function startSession(c: Context, hash: string): void {
    const csrf = b64(randomBytes(24));
    const seconds = Math.floor(SESSION_MS / 1000);
    setCookie(
      c,
      SESSION_COOKIE,
      encode({ k: hash, e: now() + SESSION_MS, c: csrf }),
      cookieOptions(seconds, true),
    );
    setCookie(c, CSRF_COOKIE, csrf, cookieOptions(seconds, false));
  }

  /**
   * Authenticates `/api/*` requests that carry a session cookie and no API key header: sets the
   * project like the key check does, and refuses a state-changing request without the CSRF token.
   * Requests with a key header, or with no session, go on to the key check unchanged.
   */
  const middleware: MiddlewareHandler = async (c, next) => {
    if (c.req.header('authorization') || c.req.header('x-api-key')) return next();
    if (c.req.path === '/api/v1/session') return next();
    const session = await sessionOf(c);
    if (!session) return next();
    if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) {
      const token = c.req.header(CSRF_HEADER) ?? '';
      if (!same(token, session.csrf))
        return c.json({ error: { code: 'forbidden', message: 'missing or wrong CSRF token' } }, 403);
    }
    c.set('projectId' as never, session.projectId as never);
    c.set('keyId' as never, session.keyId as never);
    if (session.userId) c.set('userId' as never, session.userId as never);
    return next();
  };

  /**
   * `POST /api/v1/session` {apiKey} signs in; `DELETE` signs out; `GET` says who is signed in (with
   * `user: { name, role }` for a person; an API key has no `user` and may do everything).
   */
  const routes = new Hono();
  routes.post('/api/v1/session', async (c) => {
    // A sign-in form posted from another site is refused (login CSRF).
    const origin = c.req.header('origin');
    if (origin && origin !== new URL(c.req.url).origin)
      return c.json({ error: { code: 'forbidden', message: 'sign-in from another origin' } }, 403);
    const body = (await c.req.json().catch(() => null)) as {
      apiKey?: unknown;
      name?: unknown;
      password?: unknown;
      project?: unknown;
    } | null;
    if (deps.byPassword && typeof body?.name === 'string' && typeof body.password === 'string') {
      const hash = await deps.byPassword(
        body.name,
        body.password,
        typeof body.project === 'string' ? body.project : undefined,
      );
      const who = hash ? await deps.byHash(hash) : undefined;
      if (!hash || !who)
        return c.json({ error: { code: 'unauthorized', message: 'wrong name or password' } }, 401);
      startSession(c, hash);
      return c.json({
        projectId: who.projectId,
        keyId: who.id,
        ...(who.userId ? { userId: who.userId } : {}),
        expiresAt: new Date(now() + SESSION_MS).toISOString(),
      });
    }
    const token = typeof body?.apiKey === 'string' ? body.apiKey.trim() : '';
    if (!token)
      return c.json(
        { error: { code: 'invalid', message: 'apiKey: expected the API key', field: 'apiKey' } },
        400,
      );
    const key = await deps.byToken(token);
    if (!key) return c.json({ error: { code: 'unauthorized', message: 'the API key is not valid' } }, 401);
    startSession(c, sha256(token));
    return c.json({
      projectId: key.projectId,
      keyId: key.id,
      ...(key.userId ? { userId: key.userId } : {}),
      expiresAt: new Date(now() + SESSION_MS).toISOString(),
    });
  });
  // The sign-in link `assay users add` prints: a personal token in the query sets the session, then
  // the browser goes to `/` (the redirect drops the token from the address bar).
  routes.get('/login', async (c) => {
    const token = c.req.query('token')?.trim() ?? '';
    const key = token ? await deps.byToken(token) : undefined;
    if (!key)
      return c.json({ error: { code: 'unauthorized', message: 'the sign-in link is not valid' } }, 401);
    startSession(c, sha256(token));
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
      return c.json({ error: { code: 'forbidden', message: 'missing or wrong CSRF token' } }, 403);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    deleteCookie(c, CSRF_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  return { middleware, routes };
}
