import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { exportRow } from '../../review/export.js';
import { type Actor, ReviewError, reviewService } from '../../review/service.js';
import type { ReviewStore } from '../../review/store.js';
import { userByToken } from '../../review/users.js';
import { presentedKey } from '../auth.js';
import { parseJsonBody, readBody } from '../body.js';
import { type AppEnv, DEFAULT_MAX_BODY_BYTES } from '../env.js';
import { errorBody } from '../http-error.js';

/**
 * `Authorization: Bearer <personal token>` (from `assay users add`): the request acts as that person,
 * in their project. Other tokens go on to the API-key check unchanged.
 */
export function userTokens(reviews: ReviewStore): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get('projectId')) return next();
    const token = presentedKey(c.req.header('authorization'), c.req.header('x-api-key'));
    const user = token ? await userByToken(reviews, token) : undefined;
    if (!user) return next();
    c.set('projectId', user.projectId);
    c.set('keyId', `user:${user.id}`);
    c.set('userId', user.id);
    c.set('role', user.role);
    return next();
  };
}

/** The review API under `/api/v1/review` (docs/review.md); the work is in src/review/service.ts. */
export function reviewRoutes(reviews: ReviewStore, now?: () => number, random?: () => number): Hono<AppEnv> {
  const service = reviewService(reviews, now, random);
  const app = new Hono<AppEnv>();
  const actor = async (c: Context<AppEnv>): Promise<Actor> => {
    const userId = c.get('userId');
    const user = userId ? await reviews.userById(userId) : undefined;
    return { projectId: c.get('projectId'), ...(user ? { user } : {}) };
  };
  const body = async (c: Context<AppEnv>) => parseJsonBody(await readBody(c, DEFAULT_MAX_BODY_BYTES));
  app.onError((error, c) => {
    if (error instanceof ReviewError) {
      const code = error.status === 404 ? 'not-found' : error.status === 409 ? 'conflict' : 'forbidden';
      return c.json(errorBody(code, error.message), error.status);
    }
    throw error;
  });

  app.post('/queues', async (c) => c.json(await service.createQueue(await actor(c), await body(c)), 201));
  app.get('/queues', async (c) => c.json({ queues: await service.listQueues(await actor(c)) }));
  app.get('/queues/:q', async (c) => c.json(await service.getQueue(await actor(c), c.req.param('q'))));
  app.post('/queues/:q/items', async (c) =>
    c.json(await service.addItems(await actor(c), c.req.param('q'), await body(c)), 201),
  );
  app.post('/queues/:q/next', async (c) => {
    const item = await service.next(await actor(c), c.req.param('q'));
    return item ? c.json({ item }) : c.body(null, 204);
  });
  app.post('/items/:id/labels', async (c) =>
    c.json(await service.label(await actor(c), c.req.param('id'), await body(c))),
  );
  app.get('/queues/:q/agreement', async (c) =>
    c.json(
      await service.agreement(await actor(c), c.req.param('q'), c.req.query('includeFlagged') === 'true'),
    ),
  );
  app.get('/queues/:q/raters', async (c) => c.json(await service.raters(await actor(c), c.req.param('q'))));
  app.get('/queues/:q/export', async (c) => {
    const { queue, items } = await service.aggregated(await actor(c), c.req.param('q'));
    return c.json({ items: items.map((i) => exportRow(queue, i)) });
  });
  app.get('/queues/:q/calibration', async (c) =>
    c.json(await service.calibration(await actor(c), c.req.param('q'))),
  );
  app.post('/items/:id/consensus', async (c) =>
    c.json(await service.consensus(await actor(c), c.req.param('id'), await body(c))),
  );
  return app;
}
