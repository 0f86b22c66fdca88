import { Hono } from 'hono';
import { requireKey } from './auth.js';
import type { AppDeps, AppEnv } from './env.js';
import { errorBody, respondError } from './http-error.js';
import { reviewerScope } from './reviewer-scope.js';
import { feedbackRoutes } from './routes/feedback.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { metricsRoutes } from './routes/metrics.js';
import { monitorRoutes } from './routes/monitor.js';
import { otlpRoutes } from './routes/otlp.js';
import { reviewRoutes, userTokens } from './routes/review.js';
import { traceRoutes } from './routes/traces.js';
import { trafficRoutes } from './routes/traffic.js';
import { webParts } from './web/mount.js';

/**
 * The `assay serve` app, built from its dependencies and tested with `app.request()`. Route modules
 * are composed here; a new one (feedback, metrics, …) is a `routes/*.ts` returning a Hono app.
 * Everything under `/v1/*` and `/api/*` needs an API key.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError((error, c) => respondError(error, c));
  app.notFound((c) => c.json(errorBody('not-found', `no route ${c.req.method} ${c.req.path}`), 404));
  app.route('/', healthRoutes(deps));
  // The web app's sign-in routes and cookie sessions come before the key check, its pages after.
  const web = deps.runs
    ? webParts({
        runs: deps.runs,
        keys: deps.store,
        ...(deps.reviews ? { reviews: deps.reviews } : {}),
        ...(deps.sessions ? { sessions: deps.sessions } : {}),
        ...deps.web,
      })
    : undefined;
  web?.beforeAuth(app);
  if (deps.reviews) app.use('/api/*', userTokens(deps.reviews));
  app.use('/v1/*', requireKey(deps.store));
  app.use('/api/*', requireKey(deps.store));
  // A reviewer's token or session reaches the review work only (403 elsewhere).
  app.use('/api/*', reviewerScope());
  app.route('/', otlpRoutes(deps));
  app.route('/', ingestRoutes(deps));
  app.route('/', feedbackRoutes(deps));
  app.route('/', traceRoutes(deps));
  app.route('/', trafficRoutes(deps));
  app.route('/', metricsRoutes(deps));
  if (deps.monitor) app.route('/', monitorRoutes(deps, deps.monitor));
  if (deps.reviews) app.route('/api/v1/review', reviewRoutes(deps.reviews, deps.now, deps.random));
  web?.afterAuth(app);
  return app;
}
