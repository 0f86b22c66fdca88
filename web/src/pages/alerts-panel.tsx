import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ApiError, api, qs } from '../api/client';
import type { StoredAlert } from '../api/types';
import { ErrorBox, Section } from '../components/bits';
import { num, when } from '../format';
import { driftAlertLink } from './drift-query';

/**
 * Alerts recorded by `assay monitor run` (drift, metric charts, correlation, budget), newest first,
 * each with a link to the traces of its window.
 */
export function AlertsPanel({ since }: { since: string }) {
  const q = useQuery({
    queryKey: ['alerts', since],
    queryFn: async () => {
      try {
        return await api<{ alerts: StoredAlert[] }>(`/api/v1/monitor/alerts${qs({ since })}`);
      } catch (error) {
        // A server without the monitoring routes has no alerts to show.
        if (error instanceof ApiError && error.status === 404) return { alerts: [] };
        throw error;
      }
    },
    refetchInterval: 60_000,
  });
  return (
    <Section title={`Alerts (${q.data?.alerts.length ?? 0})`} id="alerts">
      {q.error ? <ErrorBox error={q.error} /> : null}
      {q.data && q.data.alerts.length === 0 ? (
        <p className="muted">
          No alert in this period. Alerts are recorded by <code>assay monitor run</code>.
        </p>
      ) : null}
      {q.data?.alerts.length ? (
        <ul className="alerts" data-testid="alerts">
          {q.data.alerts.map((a) => (
            <li key={a.id} className="alert">
              <span className="badge badge-fail">⚠ {a.kind}</span>{' '}
              {a.segment ? <span className="mono">{a.segment} </span> : null}
              <span>{a.message}</span>
              <div className="muted small">
                window {when(a.window.from)} → {when(a.window.to)} · statistic {num(a.statistic, 3)}
                {a.p !== undefined ? ` · p ${a.p < 0.001 ? '<0.001' : num(a.p, 3)}` : ''} · recorded{' '}
                {when(new Date(a.createdMs).toISOString())}
                {' · '}
                <Link to={`/monitoring/traces${qs({ from: a.window.from, to: a.window.to })}`}>
                  the traces behind it
                </Link>
                {a.kind.startsWith('drift.') ? (
                  <>
                    {' · '}
                    <Link to={driftAlertLink(a)}>what moved, with examples</Link>
                  </>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
    </Section>
  );
}
