import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, qs } from '../api/client';
import type { ResultList, RunDetail } from '../api/types';
import { ErrorBox, Pager, Section, StatusBadge } from '../components/bits';
import { ms, num } from '../format';
import { useUrlState } from '../url-state';

const LIMIT = 50;
const SORTS: [string, string][] = [
  ['case', 'case id'],
  ['status', 'status'],
  ['latency', 'latency'],
  ['cost', 'cost'],
  ['tokens', 'tokens'],
  ['target', 'target'],
  ['score', 'score (choose evaluator)'],
];

/** The run's results, searched, filtered, sorted and paged by the server; every choice is in the URL. */
export function CaseTable({ detail }: { detail: RunDetail }) {
  const [params, update] = useUrlState();
  const runId = detail.run.id;
  const running = detail.run.status === 'running';
  const filter = {
    q: params.get('q') ?? undefined,
    status: params.get('status') ?? undefined,
    target: params.get('target') ?? undefined,
    tag: params.get('tag') ?? undefined,
    evaluator: params.get('evaluator') ?? undefined,
    sort: params.get('sort') ?? undefined,
    sortEvaluator: params.get('sortEvaluator') ?? undefined,
    order: params.get('order') ?? undefined,
    offset: Number(params.get('offset') ?? 0) || 0,
    limit: LIMIT,
  };
  if (filter.sort === 'score' && !filter.sortEvaluator) filter.sortEvaluator = detail.facets.evaluators[0];
  // The search box follows the URL when the URL's `q` changes (back button, a cluster link), and
  // writes to it 300 ms after typing stops; other filters changing never reset what is being typed.
  const urlQ = params.get('q') ?? '';
  const [search, setSearch] = useState(urlQ);
  const lastUrlQ = useRef(urlQ);
  useEffect(() => {
    if (urlQ !== lastUrlQ.current) {
      lastUrlQ.current = urlQ;
      setSearch(urlQ);
    }
  }, [urlQ]);
  const updateRef = useRef(update);
  updateRef.current = update;
  useEffect(() => {
    if (search === lastUrlQ.current) return;
    const t = setTimeout(() => {
      lastUrlQ.current = search;
      updateRef.current({ q: search });
    }, 300);
    return () => clearTimeout(t);
  }, [search]);
  const results = useQuery({
    queryKey: ['results', runId, filter],
    queryFn: () => api<ResultList>(`/api/v1/runs/${encodeURIComponent(runId)}/results${qs(filter)}`),
    placeholderData: keepPreviousData,
    refetchInterval: running ? 3000 : false,
  });
  const select = (key: string, label: string, options: [string, string][]) => (
    <label>
      {label}
      <select value={params.get(key) ?? ''} onChange={(e) => update({ [key]: e.target.value })}>
        <option value="">{key === 'sort' ? 'case id' : 'all'}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
  const tagOptions = Object.entries(detail.facets.tags).flatMap(([k, vs]) =>
    vs.map((v): [string, string] => [`${k}=${v}`, `${k} = ${v}`]),
  );
  const evaluators = detail.facets.evaluators.map((e): [string, string] => [e, e]);
  return (
    <Section title="Cases" id="cases">
      <div className="controls">
        <label className="grow">
          Search
          <input
            type="search"
            value={search}
            placeholder="case id or output text"
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        {select('status', 'Status', [
          ['pass', 'passed'],
          ['fail', 'failed'],
          ['error', 'errored'],
        ])}
        {detail.facets.targets.length > 1
          ? select(
              'target',
              'Target',
              detail.facets.targets.map((t) => [t, t]),
            )
          : null}
        {tagOptions.length ? select('tag', 'Stratum', tagOptions) : null}
        {evaluators.length ? select('evaluator', 'Failed evaluator', evaluators) : null}
        {select('sort', 'Sort by', SORTS.slice(1))}
        {filter.sort === 'score' ? select('sortEvaluator', 'Score of', evaluators) : null}
        {select('order', 'Order', [
          ['asc', 'ascending'],
          ['desc', 'descending'],
        ])}
      </div>
      {results.error ? <ErrorBox error={results.error} /> : null}
      {results.data ? (
        <>
          <p className="muted" role="status" data-testid="result-count">
            {results.data.total.toLocaleString('en-US')} matching results
          </p>
          <div className="table-wrap">
            <table className="data cases">
              <thead>
                <tr>
                  <th scope="col">Case</th>
                  <th scope="col">Status</th>
                  <th scope="col">Scores</th>
                  <th scope="col" className="num">
                    Latency
                  </th>
                  <th scope="col">Output</th>
                </tr>
              </thead>
              <tbody>
                {results.data.rows.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to={`/runs/${encodeURIComponent(runId)}/results/${r.id}`} className="mono">
                        {r.caseId}
                      </Link>
                      <div className="muted small">
                        {r.target}
                        {r.repeat ? ` #${r.repeat}` : ''}
                        {Object.entries(r.tags).map(([k, v]) => ` · ${k}=${v}`)}
                      </div>
                    </td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td>
                      {r.scores.map((s) => (
                        <div key={s.evaluator} className={s.pass === false ? 'error-text small' : 'small'}>
                          {s.pass === false ? '✗' : s.pass ? '✓' : '·'} {s.evaluator} {num(s.value)}
                        </div>
                      ))}
                    </td>
                    <td className="num">{ms(r.latencyMs)}</td>
                    <td className="output-cell">{r.error ?? r.output ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            offset={filter.offset}
            limit={LIMIT}
            total={results.data.total}
            onPage={(offset) => update({ offset })}
          />
        </>
      ) : null}
    </Section>
  );
}
