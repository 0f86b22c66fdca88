import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.js';
import { errorBody } from './http-error.js';

/**
 * What a reviewer's token or session may reach: the review work a rater needs — the queues and a
 * queue (with their own progress), the next item, posting their labels, their own raters row — and
 * the calibration view where raters see each other's ratings (issue 16). Everything else (runs,
 * traces, metrics, monitoring, ingestion, feedback, queue administration, agreement, export,
 * consensus) needs an admin or an API key.
 */
const REVIEWER_ROUTES: { method: string; path: RegExp }[] = [
  { method: 'GET', path: /^\/api\/v1\/review\/queues$/ },
  { method: 'GET', path: /^\/api\/v1\/review\/queues\/[^/]+$/ },
  { method: 'GET', path: /^\/api\/v1\/review\/queues\/[^/]+\/(raters|calibration)$/ },
  { method: 'POST', path: /^\/api\/v1\/review\/queues\/[^/]+\/next$/ },
  { method: 'POST', path: /^\/api\/v1\/review\/items\/[^/]+\/labels$/ },
];

/** Whether a reviewer may make this request. */
export function reviewerMay(method: string, path: string): boolean {
  const m = method === 'HEAD' ? 'GET' : method;
  return REVIEWER_ROUTES.some((r) => r.method === m && r.path.test(path));
}

/**
 * Runs after authentication on `/api/*`: a reviewer (a person with role `reviewer`, by token or
 * session) is refused with 403 and a JSON reason outside the review work above. Admins and API keys
 * pass unchanged.
 */
export function reviewerScope(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get('role') !== 'reviewer' || reviewerMay(c.req.method, c.req.path)) return next();
    return c.json(
      errorBody(
        'forbidden',
        'a reviewer reaches only review work (queues, next, labels, their own progress, calibration); this needs an admin or an API key',
      ),
      403,
    );
  };
}
