import type { Env, Hono } from 'hono';
import type { Store } from '../../core/store.js';
import type { TraceStore } from '../../core/trace-store.js';
import type { SessionStore } from '../../core/web-session.js';
import { authenticate, hashKey } from '../../monitor/api-keys.js';
import type { ReviewStore, StoredUser } from '../../review/store.js';
import { checkPassword } from '../../review/users.js';
import { memorySessionStore } from '../../store/session-store.js';
import { projectNames } from '../project-name.js';
import { runRoutes } from '../routes/runs.js';
import { createSessions, type Principal } from './session.js';
import { webRoutes } from './static.js';

export interface WebDeps {
  /** Runs, results, datasets: the runs API reads them. */
  runs: Store;
  /** Projects and API keys: sessions are made from, and checked against, its keys. */
  keys: TraceStore;
  /** Where sign-in sessions are kept (default: in memory, so they end with the process). */
  sessions?: SessionStore;
  /** Where the built web app is (default: the package's web/dist). */
  dir?: string;
  /** `Secure` cookies even on plain HTTP requests (an HTTPS proxy that sends no x-forwarded-proto). */
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
  const person = (user: StoredUser): Principal => ({
    id: `user:${user.id}`,
    projectId: user.projectId,
    userId: user.id,
    user: { name: user.name, role: user.role },
  });
  const userByHash = async (hash: string) => {
    const user = reviews ? await reviews.userByTokenHash(hash) : undefined;
    return user ? person(user) : undefined;
  };
  const sessions = createSessions({
    store: deps.sessions ?? memorySessionStore(),
    byToken: async (token) => {
      const key = await authenticate(deps.keys, token);
      return key ? { id: key.id, projectId: key.projectId } : userByHash(hashKey(token));
    },
    byPrincipal: async (kind, id) => {
      if (kind === 'user') {
        const user = reviews ? await reviews.userById(id) : undefined;
        return user ? person(user) : undefined;
      }
      const key = await deps.keys.apiKeyById(id);
      return key && key.revokedAt === null ? { id: key.id, projectId: key.projectId } : undefined;
    },
    ...(reviews
      ? {
          byPassword: async (name: string, password: string, project?: string) => {
            const p = await deps.keys.projectByName(project ?? 'default');
            const user = p ? await reviews.userByName(p.id, name) : undefined;
            return user?.passwordHash && checkPassword(password, user.passwordHash)
              ? person(user)
              : undefined;
          },
        }
      : {}),
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
