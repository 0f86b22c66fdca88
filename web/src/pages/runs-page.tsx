import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, qs } from '../api/client';
import type { RunList, RunListItem } from '../api/types';
import { ErrorBox, Loading, RateBar, StatusBadge } from '../components/bits';
import { count, ms, shortId, usd, when } from '../format';
import { useUrlState } from '../url-state';

const FILTERS = [
  { key: 'status', label: 'Status', facet: 'statuses' },
  { key: 'dataset', label: 'Dataset version', facet: 'datasets' },
  { key: 'config', label: 'Config', facet: 'configs' },
  { key: 'tag', label: 'Stratum', facet: 'tags' },
] as const;

function Progress({ run }: { run: RunListItem }) {
  if (!run.progress) return null;
  const { done, expected } = run.progress;
  return (
    <div className="muted small">
      {count(done)}
      {expected ? ` of ${count(expected)}` : ''} results
    </div>
  );
}

/** The runs page: every stored run, filterable, with its pass rate and interval; pick two to compare. */
export function RunsPage() {
  const [params, update] = useUrlState();
  const navigate = useNavigate();
  const [picked, setPicked] = useState<string[]>([]);
  const filter = Object.fromEntries(FILTERS.map((f) => [f.key, params.get(f.key) ?? undefined]));
  const runs = useQuery({
    queryKey: ['runs', filter],
    queryFn: () => api<RunList>(`/api/v1/runs${qs(filter)}`),
    refetchInterval: (q) => (q.state.data?.runs.some((r) => r.status === 'running') ? 3000 : false),
  });
  const toggle = (id: string) =>
    setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-2)));
  const compare = () => {
    const list = runs.data?.runs ?? [];
    const [a, b] = [...picked].sort(
      (x, y) => list.findIndex((r) => r.id === y) - list.findIndex((r) => r.id === x),
    );
    navigate(`/compare${qs({ baseline: a, candidate: b })}`);
  };

  return (
    <>
      <h1>Runs</h1>
      <p className="lead">
        Every evaluation run in the store, newest first. The bar shows the pass rate and, shaded, its 95%
        interval. Tick two runs to compare them.
      </p>
      <div className="controls">
        {FILTERS.map((f) => (
          <label key={f.key}>
            {f.label}
            <select value={params.get(f.key) ?? ''} onChange={(e) => update({ [f.key]: e.target.value })}>
              <option value="">all</option>
              {(runs.data?.facets[f.facet] ?? []).map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </label>
        ))}
        <button type="button" disabled={picked.length !== 2} onClick={compare}>
          Compare selected ({picked.length}/2)
        </button>
      </div>
      {runs.isPending ? <Loading what="runs" /> : null}
      {runs.error ? <ErrorBox error={runs.error} /> : null}
      {runs.data ? (
        <div className="table-wrap">
          <table className="data">
            <caption className="sr-only">Stored runs</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="sr-only">Select</span>
                </th>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Dataset</th>
                <th scope="col">Pass rate</th>
                <th scope="col" className="num">
                  Results
                </th>
                <th scope="col" className="num">
                  Cost
                </th>
                <th scope="col" className="num">
                  Latency p50 / p95
                </th>
                <th scope="col">Gates</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.runs.length === 0 ? (
                <tr>
                  <td colSpan={9} className="muted">
                    No run matches these filters.
                  </td>
                </tr>
              ) : null}
              {runs.data.runs.map((r) => (
                <tr key={r.id} className={r.regression ? 'row-regressed' : undefined}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select run ${r.id} for comparison`}
                      checked={picked.includes(r.id)}
                      onChange={() => toggle(r.id)}
                    />
                  </td>
                  <td>
                    <Link to={`/runs/${encodeURIComponent(r.id)}`} className="run-link">
                      {shortId(r.id)}
                    </Link>
                    <div className="muted small">{r.description ?? r.targets.join(', ')}</div>
                    <div className="muted small">{when(r.createdAt)}</div>
                    {r.regression ? (
                      <div className="flag" title={r.regression.rows.join('; ')}>
                        ▼ regressed vs {shortId(r.regression.baseline)} ({r.regression.regressions})
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                    <Progress run={r} />
                  </td>
                  <td>
                    {r.dataset.name}
                    <div className="muted small mono">{r.dataset.version.slice(0, 12)}</div>
                  </td>
                  <td>
                    <RateBar value={r.passRate} interval={r.interval} />
                  </td>
                  <td className="num">
                    {count(r.total)}
                    {r.errors ? <div className="small error-text">{count(r.errors)} errors</div> : null}
                  </td>
                  <td className="num">{usd(r.costUsd)}</td>
                  <td className="num">
                    {r.latencyMs ? `${ms(r.latencyMs.p50)} / ${ms(r.latencyMs.p95)}` : '–'}
                  </td>
                  <td>
                    {r.gatesPassed === null ? (
                      <span className="muted">none</span>
                    ) : (
                      <StatusBadge status={r.gatesPassed ? 'pass' : 'fail'} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
