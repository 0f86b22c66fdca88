import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, qs } from '../api/client';
import type { CompareView, ComparisonRow, RunList } from '../api/types';
import { ErrorBox, Loading, Section, StatusBadge } from '../components/bits';
import { ms, num, pct, range, shortId, usd } from '../format';
import { useUrlState } from '../url-state';

const p = (x: number | null) => (x === null ? '–' : x < 0.001 ? '<0.001' : x.toFixed(3));
const side = (row: ComparisonRow, s: 'baseline' | 'candidate') => {
  const v = row[s];
  if (!v) return '–';
  const asRate = row.metric === 'pass';
  return `${asRate ? pct(v.value) : num(v.value, 3)} [${asRate ? range(v.interval) : `${num(v.interval[0], 3)}–${num(v.interval[1], 3)}`}]`;
};

/** Two runs compared: paired tests per evaluator and stratum, Holm-adjusted, and the cases that changed. */
export function ComparePage() {
  const [params, update] = useUrlState();
  const baseline = params.get('baseline') ?? '';
  const candidate = params.get('candidate') ?? '';
  const runs = useQuery({ queryKey: ['runs', {}], queryFn: () => api<RunList>('/api/v1/runs') });
  const cmp = useQuery({
    queryKey: ['compare', baseline, candidate],
    queryFn: () => api<CompareView>(`/api/v1/compare${qs({ baseline, candidate })}`),
    enabled: Boolean(baseline && candidate),
  });
  const picker = (key: 'baseline' | 'candidate', label: string) => (
    <label>
      {label}
      <select value={params.get(key) ?? ''} onChange={(e) => update({ [key]: e.target.value })}>
        <option value="">choose a run</option>
        {(runs.data?.runs ?? []).map((r) => (
          <option key={r.id} value={r.id}>
            {r.id} — {r.description ?? r.dataset.name} ({pct(r.passRate)})
          </option>
        ))}
      </select>
    </label>
  );
  const c = cmp.data?.comparison;
  return (
    <>
      <h1>Compare runs</h1>
      <p className="lead">
        Each metric is tested on the cases both runs share (McNemar for pass/fail, the sign-flip test of the
        mean for scores and repeats; an errored try counts as a failure and errors get their own row), with
        p-values adjusted for the number of rows (Holm). Only a significant change gets a verdict.
      </p>
      <div className="controls">
        {picker('baseline', 'Baseline')}
        {picker('candidate', 'Candidate')}
      </div>
      {!baseline || !candidate ? <p className="muted">Choose two runs.</p> : null}
      {cmp.isLoading ? <Loading what="the comparison" /> : null}
      {cmp.error ? <ErrorBox error={cmp.error} /> : null}
      {c && cmp.data ? (
        <>
          {c.regressions.length ? (
            <div className="banner banner-bad" role="alert">
              ▼ {c.regressions.length} significant regression{c.regressions.length > 1 ? 's' : ''}:{' '}
              {c.regressions.map((r) => `${r.metric} @ ${r.stratum}`).join(', ')}
            </div>
          ) : (
            <div className="banner banner-ok">No significant regression at α = {c.alpha}.</div>
          )}
          <Section title="Metrics" id="metrics">
            <div className="table-wrap">
              <table className="data" data-testid="compare-table">
                <thead>
                  <tr>
                    <th scope="col">Metric</th>
                    <th scope="col">Stratum</th>
                    <th scope="col" className="num">
                      n
                    </th>
                    <th scope="col">Baseline [95%]</th>
                    <th scope="col">Candidate [95%]</th>
                    <th scope="col" className="num">
                      Change
                    </th>
                    <th scope="col">Test</th>
                    <th scope="col" className="num">
                      p (Holm)
                    </th>
                    <th scope="col">Verdict</th>
                  </tr>
                </thead>
                <tbody>
                  {c.rows.map((r) => (
                    <tr
                      key={`${r.metric} ${r.stratum}`}
                      className={r.verdict === 'regressed' ? 'row-regressed' : undefined}
                    >
                      <td className="mono">{r.metric}</td>
                      <td>{r.stratum}</td>
                      <td className="num">{r.n}</td>
                      <td>{side(r, 'baseline')}</td>
                      <td>{side(r, 'candidate')}</td>
                      <td className="num">
                        {r.metric === 'pass' || r.metric === 'error rate'
                          ? `${(r.diff * 100).toFixed(1).replace(/^-(0\.0)$/, '$1')} pts`
                          : num(r.diff, 3)}
                      </td>
                      <td>{r.test}</td>
                      <td className="num">
                        {p(r.pAdjusted)} <span className="muted small">({p(r.p)})</span>
                      </td>
                      <td>
                        <StatusBadge status={r.verdict} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="muted small">
              Latency p50/p95: {ms(c.operational.baseline.p50)}/{ms(c.operational.baseline.p95)} →{' '}
              {ms(c.operational.candidate.p50)}/{ms(c.operational.candidate.p95)} · cost per case{' '}
              {usd(c.operational.baseline.costPerCase)} → {usd(c.operational.candidate.costPerCase)}
              {c.onlyInBaseline.length ? ` · ${c.onlyInBaseline.length} cases only in the baseline` : ''}
              {c.onlyInCandidate.length ? ` · ${c.onlyInCandidate.length} only in the candidate` : ''}
              {c.errored?.candidate.cases.length
                ? ` · ${c.errored.candidate.cases.length} cases errored in the candidate`
                : ''}
              {c.tagChanges?.length ? ` · ${c.tagChanges.length} tags changed between the runs` : ''}
            </p>
          </Section>
          <Section title={`Cases that changed (${cmp.data.changedTotal})`} id="changed">
            {cmp.data.changed.length === 0 ? <p className="muted">No case changed outcome.</p> : null}
            <ul className="changed">
              {cmp.data.changed.map((x) => (
                <li key={x.key}>
                  <StatusBadge
                    status={
                      x.change === 'broke' ? 'regressed' : x.change === 'fixed' ? 'improved' : 'changed'
                    }
                  />{' '}
                  <Link
                    to={`/compare/case${qs({ baseline, candidate, case: x.caseId, target: x.target })}`}
                    className="mono"
                  >
                    {x.caseId}
                  </Link>{' '}
                  <span className="muted small">
                    {x.target} · {pct(x.baselinePass, 0)} → {pct(x.candidatePass, 0)}
                  </span>
                </li>
              ))}
            </ul>
            {cmp.data.changedTotal > cmp.data.changed.length ? (
              <p className="muted">Showing the first {cmp.data.changed.length}.</p>
            ) : null}
          </Section>
          <p className="muted small">
            Baseline <Link to={`/runs/${encodeURIComponent(c.baseline.id)}`}>{shortId(c.baseline.id)}</Link> ·
            candidate{' '}
            <Link to={`/runs/${encodeURIComponent(c.candidate.id)}`}>{shortId(c.candidate.id)}</Link>
          </p>
        </>
      ) : null}
    </>
  );
}
