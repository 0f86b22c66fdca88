import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../env.js';

/** `GET /healthz`: the process is up. `GET /readyz`: the store answers and the server is not draining. */
export function healthRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (deps.isDraining?.()) return c.json({ status: 'draining' }, 503);
    try {
      await deps.store.ping();
      return c.json({ status: 'ready', queue: deps.queue.stats() });
    } catch {
      return c.json({ status: 'store unreachable' }, 503);
    }
  });
  return app;
}
