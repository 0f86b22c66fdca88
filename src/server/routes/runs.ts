import { type Context, Hono } from 'hono';
import { AssayError } from '../../core/errors.js';
import type { RunScope, Store } from '../../core/store.js';
import { errorBody, respondError } from '../http-error.js';
import { memoisedAnalysis } from '../runs/analysis.js';
import { compareView } from '../runs/compare.js';
import { listRunViews } from '../runs/list-runs.js';
import { Memo } from '../runs/memo.js';
import { listResults, parseResultQuery, resultView } from '../runs/results.js';
import { runDetail } from '../runs/run-detail.js';
import type { CompareView, RunAnalysis } from '../runs/views.js';

export interface RunRoutesDeps {
  store: Store;
  /**
   * The project (by name) whose runs a request may see: the server passes the caller's, so another
   * project's run is 404. Without it every run is visible (the routes used on their own, no server).
   */
  project?: (c: Context) => Promise<string | undefined>;
}

const notFound = (what: string) => errorBody('not-found', `no ${what}`);

/**
 * The runs API, mounted at `/api/v1` behind the server's auth: the runs page, a run, its failure
 * analysis, its case table and case view, and the comparison of two runs. Documented in docs/api.md.
 */
export function runRoutes(deps: RunRoutesDeps): Hono {
  const { store } = deps;
  const app = new Hono();
  const analysis = memoisedAnalysis(new Memo<RunAnalysis>(8));
  const comparisons = new Memo<CompareView>(8);
  // A caller whose project cannot be named sees no run at all ('' is no project's name).
  const scopeOf = async (c: Context): Promise<RunScope> =>
    deps.project ? { project: (await deps.project(c)) ?? '' } : {};

  // The server's one mapping of errors to statuses, also when this app is used on its own.
  app.onError(respondError);

  app.get('/runs', async (c) => {
    const q = c.req.query();
    const limit = q.limit === undefined ? undefined : Number(q.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
      throw new AssayError('usage', `limit must be a whole number > 0, got "${q.limit}"`, { field: 'limit' });
    return c.json(
      await listRunViews(store, {
        ...(await scopeOf(c)),
        ...(q.config ? { config: q.config } : {}),
        ...(q.dataset ? { dataset: q.dataset } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.tag ? { tag: q.tag } : {}),
        ...(limit ? { limit } : {}),
      }),
    );
  });

  app.get('/runs/:id', async (c) => {
    const detail = await runDetail(store, c.req.param('id'), await scopeOf(c));
    return detail ? c.json(detail) : c.json(notFound(`run "${c.req.param('id')}"`), 404);
  });

  app.get('/runs/:id/analysis', async (c) => {
    const run = await store.getRun(c.req.param('id'), await scopeOf(c));
    if (!run) return c.json(notFound(`run "${c.req.param('id')}"`), 404);
    return c.json(await analysis(store, run));
  });

  app.get('/runs/:id/results', async (c) => {
    const query = parseResultQuery(c.req.query());
    const run = await store.getRun(c.req.param('id'), await scopeOf(c));
    if (!run) return c.json(notFound(`run "${c.req.param('id')}"`), 404);
    return c.json(await listResults(store, run.id, query));
  });

  app.get('/runs/:id/results/:resultId', async (c) => {
    const resultId = Number(c.req.param('resultId'));
    if (!Number.isSafeInteger(resultId) || resultId < 1)
      throw new AssayError('usage', `a result id is a whole number, got "${c.req.param('resultId')}"`, {
        field: 'resultId',
      });
    const run = await store.getRun(c.req.param('id'), await scopeOf(c));
    if (!run) return c.json(notFound(`run "${c.req.param('id')}"`), 404);
    const view = await resultView(store, run, resultId);
    return view ? c.json(view) : c.json(notFound(`result ${resultId} in run "${run.id}"`), 404);
  });

  app.get('/compare', async (c) => {
    const { baseline, candidate, alpha: alphaText } = c.req.query();
    if (!baseline || !candidate)
      throw new AssayError('usage', 'compare needs baseline=<run id> and candidate=<run id>', {
        field: baseline ? 'candidate' : 'baseline',
      });
    const alpha = alphaText === undefined ? 0.05 : Number(alphaText);
    if (!(alpha > 0 && alpha < 1))
      throw new AssayError('usage', `alpha must be in (0, 1), got "${alphaText}"`, { field: 'alpha' });
    const scope = await scopeOf(c);
    const [b, k] = await Promise.all([store.getRun(baseline, scope), store.getRun(candidate, scope)]);
    if (!b) return c.json(notFound(`run "${baseline}"`), 404);
    if (!k) return c.json(notFound(`run "${candidate}"`), 404);
    const compute = () => compareView(store, b, k, { alpha });
    const finished = b.status !== 'running' && k.status !== 'running';
    return c.json(
      finished ? await comparisons.get(`${b.id}\u0000${k.id}\u0000${alpha}`, compute) : await compute(),
    );
  });

  return app;
}
