import type { MiddlewareHandler } from 'hono';
import type { TraceStore } from '../core/trace-store.js';
import { authenticate } from '../monitor/api-keys.js';
import type { AppEnv } from './env.js';
import { errorBody } from './http-error.js';

/** The token of a request: `Authorization: Bearer <key>`, or `x-api-key: <key>` for exporters set by header. */
export function presentedKey(
  authorization: string | undefined,
  apiKey: string | undefined,
): string | undefined {
  if (authorization) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (m) return m[1];
  }
  return apiKey?.trim() || undefined;
}

/**
 * Every `/v1/*` and `/api/*` request needs a live key; its project is what the request reads and
 * writes. 401 with a JSON reason otherwise. The key itself is never logged or echoed.
 */
export function requireKey(store: TraceStore): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // Already authenticated by a web-app session cookie (server/web/session.ts).
    if (c.get('projectId')) return next();
    const token = presentedKey(c.req.header('authorization'), c.req.header('x-api-key'));
    if (!token)
      return c.json(
        errorBody(
          'unauthorized',
          'an API key is required: send "Authorization: Bearer <key>" or "x-api-key: <key>"',
        ),
        401,
      );
    const key = await authenticate(store, token);
    if (!key) return c.json(errorBody('unauthorized', 'the API key is not valid (unknown or revoked)'), 401);
    c.set('projectId', key.projectId);
    c.set('keyId', key.id);
    await next();
  };
}
