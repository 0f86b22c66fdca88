import type { Env, Hono } from 'hono';
import type { Store } from '../../core/store.js';
import type { TraceStore } from '../../core/trace-store.js';
import { authenticate } from '../../monitor/api-keys.js';
import { runRoutes } from '../routes/runs.js';
import { createSessions } from './session.js';
import { webRoutes } from './static.js';

export interface WebDeps {
  /** Runs, results, datasets: the runs API reads them. */
  runs: Store;
  /** Projects and API keys: sessions are made from, and checked against, its keys. */
  keys: TraceStore;
  /** Where the built web app is (default: the package's web/dist). */
  dir?: string;
  /** Session-cookie HMAC secret (default: random per process, so sessions end with the process). */
  sessionSecret?: Buffer;
  secureCookies?: boolean;
}

/**
 * What the web app adds to the server, in the order it must be registered around the API-key check:
 * `beforeAuth` (sign-in routes and the session middleware, which authenticates cookie requests),
 * then the app's `requireKey`, then `afterAuth` (the runs API under `/api/v1`, the pages at `/`).
 */
export function webParts(deps: WebDeps) {
  const byHash = async (hash: string) => {
    const key = await deps.keys.apiKeyByHash(hash);
    return key && key.revokedAt === null ? { id: key.id, projectId: key.projectId } : undefined;
  };
  const sessions = createSessions({
    byHash,
    byToken: async (token) => {
      const key = await authenticate(deps.keys, token);
      return key ? { id: key.id, projectId: key.projectId } : undefined;
    },
    ...(deps.sessionSecret ? { secret: deps.sessionSecret } : {}),
    ...(deps.secureCookies ? { secure: true } : {}),
  });
  return {
    beforeAuth<E extends Env>(app: Hono<E>) {
      app.route('/', sessions.routes);
      app.use('/api/*', sessions.middleware);
    },
    afterAuth<E extends Env>(app: Hono<E>) {
      app.route('/api/v1', runRoutes({ store: deps.runs }));
      app.route('/', webRoutes(deps.dir ? { dir: deps.dir } : {}));
    },
  };
}
