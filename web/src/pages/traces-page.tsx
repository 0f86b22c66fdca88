import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, qs } from '../api/client';
import type { TraceListJson } from '../api/types';
import { ErrorBox, Loading, StatusBadge } from '../components/bits';
import { count, ms, usd, when } from '../format';
import { useUrlState } from '../url-state';

/** The traces behind a point of a monitoring chart: a time window, a segment, a model, a prompt version. */
export function TracesPage() {
  const [params] = useSearchParams();
  const [, update] = useUrlState();
  const filter = {
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    segment: params.get('segment') ?? undefined,
    model: params.get('model') ?? undefined,
    promptVersion: params.get('promptVersion') ?? undefined,
    sessionId: params.get('sessionId') ?? undefined,
    cursor: params.get('cursor') ?? undefined,
    limit: 50,
  };
  const q = useQuery({
    queryKey: ['traces', filter],
    queryFn: () => api<TraceListJson>(`/api/v1/traces${qs(filter)}`),
  });
  const back = qs({
    from: filter.from,
    segment: filter.segment,
    model: filter.model,
    promptVersion: filter.promptVersion,
  });
  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to={`/monitoring${back}`}>Monitoring</Link> › <span>traces</span>
      </nav>
      <h1>Traces</h1>
      <p className="lead">
        {filter.from ? `From ${when(filter.from)}` : 'Newest first'}
        {filter.to ? ` to ${when(filter.to)}` : ''}
        {filter.segment ? ` · segment ${filter.segment}` : ''}
        {filter.model ? ` · model ${filter.model}` : ''}
        {filter.promptVersion ? ` · prompt ${filter.promptVersion}` : ''}
      </p>
      {q.isPending ? <Loading what="traces" /> : null}
      {q.error ? <ErrorBox error={q.error} /> : null}
      {q.data ? (
        <>
          <div className="table-wrap">
            <table className="data" data-testid="trace-list">
              <thead>
                <tr>
                  <th scope="col">Trace</th>
                  <th scope="col">Started</th>
                  <th scope="col">Models</th>
                  <th scope="col" className="num">
                    Duration
                  </th>
                  <th scope="col" className="num">
                    Tokens
                  </th>
                  <th scope="col" className="num">
                    Cost
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {q.data.traces.length === 0 ? (
                  <tr>
                    <td colSpan={7} className="muted">
                      No trace in this window.
                    </td>
                  </tr>
                ) : null}
                {q.data.traces.map((t) => (
                  <tr key={t.traceId}>
                    <td>
                      <Link to={`/traces/${encodeURIComponent(t.traceId)}`} className="mono">
                        {t.traceId.slice(0, 16)}
                      </Link>
                      <div className="muted small">
                        {t.name}
                        {t.segment ? ` · ${t.segment}` : ''}
                        {t.promptVersion ? ` · prompt ${t.promptVersion}` : ''}
                        {t.sessionId ? ` · session ${t.sessionId}` : ''}
                      </div>
                    </td>
                    <td>{when(t.startTime)}</td>
                    <td className="mono small">{t.models.join(', ')}</td>
                    <td className="num">{ms(t.durationMs)}</td>
                    <td className="num">
                      {count(t.usage.inputTokens)} / {count(t.usage.outputTokens)}
                    </td>
                    <td className="num">{usd(t.costUsd)}</td>
                    <td>
                      <StatusBadge status={t.errorCount ? 'error' : 'pass'} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {q.data.nextCursor ? (
            <nav className="pager" aria-label="Pages">
              <button type="button" onClick={() => update({ cursor: q.data.nextCursor })}>
                Older traces ›
              </button>
            </nav>
          ) : null}
        </>
      ) : null}
    </>
  );
}
