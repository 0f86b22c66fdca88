import type { Env, Hono } from 'hono';
import type { Store } from '../../core/store.js';
import type { TraceStore } from '../../core/trace-store.js';
import { authenticate, hashKey } from '../../monitor/api-keys.js';
import type { ReviewStore } from '../../review/store.js';
import { checkPassword } from '../../review/users.js';
import { projectNames } from '../project-name.js';
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
  /** People (`assay users add`): their tokens and passwords sign in too. */
  reviews?: ReviewStore;
}

/**
 * What the web app adds to the server, in the order it must be registered around the API-key check:
 * `beforeAuth` (sign-in routes and the session middleware, which authenticates cookie requests),
 * then the app's `requireKey`, then `afterAuth` (the runs API under `/api/v1`, the pages at `/`).
 */
export function webParts(deps: WebDeps) {
  const reviews = deps.reviews;
  const userByHash = async (hash: string) => {
    const user = reviews ? await reviews.userByTokenHash(hash) : undefined;
    return user
      ? {
          id: `user:${user.id}`,
          projectId: user.projectId,
          userId: user.id,
          user: { name: user.name, role: user.role },
        }
      : undefined;
  };
  const byHash = async (hash: string) => {
    const key = await deps.keys.apiKeyByHash(hash);
    return key && key.revokedAt === null ? { id: key.id, projectId: key.projectId } : userByHash(hash);
  };
  const sessions = createSessions({
    byHash,
    byToken: async (token) => {
      const key = await authenticate(deps.keys, token);
      return key ? { id: key.id, projectId: key.projectId } : userByHash(hashKey(token));
    },
    ...(reviews
      ? {
          byPassword: async (name: string, password: string, project?: string) => {
            const p = await deps.keys.projectByName(project ?? 'default');
            const user = p ? await reviews.userByName(p.id, name) : undefined;
            return user?.passwordHash && checkPassword(password, user.passwordHash)
              ? user.tokenHash
              : undefined;
          },
        }
      : {}),
    ...(deps.sessionSecret ? { secret: deps.sessionSecret } : {}),
    ...(deps.secureCookies ? { secure: true } : {}),
  });
  return {
    beforeAuth<E extends Env>(app: Hono<E>) {
      app.route('/', sessions.routes);
      app.use('/api/*', sessions.middleware);
    },
    afterAuth<E extends Env>(app: Hono<E>) {
      const nameOf = projectNames(deps.keys);
      app.route(
        '/api/v1',
        runRoutes({ store: deps.runs, project: (c) => nameOf(c.get('projectId' as never) as string) }),
      );
      app.route('/', webRoutes(deps.dir ? { dir: deps.dir } : {}));
    },
  };
}
