import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { RunAnalysis } from '../api/types';
import { ErrorBox, Loading, Section } from '../components/bits';
import { count, pct } from '../format';
import { useUrlState } from '../url-state';

/** Failure clusters, the retrieval/generation split and the commonest reasons; loaded after the page. */
export function FailureAnalysisPanel({ runId, running }: { runId: string; running: boolean }) {
  const [, update] = useUrlState();
  const q = useQuery({
    queryKey: ['analysis', runId],
    queryFn: () => api<RunAnalysis>(`/api/v1/runs/${encodeURIComponent(runId)}/analysis`),
    refetchInterval: running ? 10_000 : false,
  });
  return (
    <Section title="Failure analysis" id="analysis">
      {q.isPending ? <Loading what="the failure analysis" /> : null}
      {q.error ? <ErrorBox error={q.error} /> : null}
      {q.data ? <AnalysisBody a={q.data} onSearch={(text) => update({ q: text })} /> : null}
    </Section>
  );
}

function AnalysisBody({ a, onSearch }: { a: RunAnalysis; onSearch(text: string): void }) {
  if (a.failed === 0 && a.errors.target === 0) return <p>No failures in this run.</p>;
  return (
    <>
      <p>
        {count(a.failed)} of {count(a.results)} results did not pass ({count(a.errors.target)} target errors,{' '}
        {count(a.errors.evaluator)} evaluator errors).
      </p>
      {a.attribution ? (
        <div className="attribution">
          <h3>Retrieval or generation?</h3>
          <p>
            Of {count(a.attribution.attributed)} failed answers with retrieved contexts,{' '}
            <strong>{count(a.attribution.retrieval)}</strong> failed at retrieval (a needed source was not
            retrieved) and <strong>{count(a.attribution.generation)}</strong> at generation (the sources were
            there).{' '}
            {a.attribution.notAttributable
              ? `${count(a.attribution.notAttributable)} could not be attributed.`
              : ''}
          </p>
        </div>
      ) : null}
      {a.clusters.groups.length ? (
        <>
          <h3>
            Failure clusters <span className="muted small">({a.clusters.method})</span>
          </h3>
          <ol className="clusters">
            {a.clusters.groups.map((g) => (
              <li key={g.terms.join(' ')}>
                <strong>{g.terms.slice(0, 5).join(', ')}</strong>{' '}
                <span className="muted">
                  — {count(g.size)} failures over {count(g.cases)} cases
                </span>
                <ul className="examples">
                  {g.examples.slice(0, 3).map((e) => (
                    <li key={e}>{e}</li>
                  ))}
                </ul>
                <button type="button" className="link-button" onClick={() => onSearch(g.terms[0] ?? '')}>
                  Show the cases mentioning “{g.terms[0]}”
                </button>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {a.byEvaluator.some((e) => e.reasons.length) ? (
        <>
          <h3>Commonest reasons per evaluator</h3>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Evaluator</th>
                <th scope="col" className="num">
                  Failed
                </th>
                <th scope="col">Top reasons</th>
              </tr>
            </thead>
            <tbody>
              {a.byEvaluator
                .filter((e) => e.failed || e.errors)
                .map((e) => (
                  <tr key={e.evaluator}>
                    <td className="mono">{e.evaluator}</td>
                    <td className="num">
                      {count(e.failed)} ({pct(e.scored ? e.failed / e.scored : null, 0)})
                    </td>
                    <td>
                      {e.reasons.slice(0, 3).map((r) => (
                        <div key={r.message}>
                          {r.count}× {r.message}
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </>
      ) : null}
    </>
  );
}
