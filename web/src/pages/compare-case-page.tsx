import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, qs } from '../api/client';
import type { ResultList, ResultView } from '../api/types';
import { ErrorBox, Loading, StatusBadge } from '../components/bits';
import { TextDiff } from '../components/text-diff';
import { ms, num, shortId } from '../format';

function Side({
  runId,
  caseId,
  target,
  label,
}: {
  runId: string;
  caseId: string;
  target: string;
  label: string;
}) {
  const q = useQuery({
    queryKey: ['case-side', runId, caseId, target],
    queryFn: async () => {
      const find = (t?: string) =>
        api<ResultList>(
          `/api/v1/runs/${encodeURIComponent(runId)}/results${qs({ case: caseId, limit: 1, target: t })}`,
        );
      // Runs of one target each are paired by case id even when their targets are named differently.
      const row = (await find(target)).rows[0] ?? (target ? (await find()).rows[0] : undefined);
      return row ? api<ResultView>(`/api/v1/runs/${encodeURIComponent(runId)}/results/${row.id}`) : null;
    },
  });
  return (
    <div>
      <h2>
        {label}: <Link to={`/runs/${encodeURIComponent(runId)}`}>{shortId(runId)}</Link>
      </h2>
      {q.isPending ? <Loading what={label} /> : null}
      {q.error ? <ErrorBox error={q.error} /> : null}
      {q.data === null ? <p className="muted">Not in this run.</p> : null}
      {q.data ? (
        <>
          <p>
            <StatusBadge status={q.data.status} /> · {ms(q.data.latencyMs)} ·{' '}
            <Link to={`/runs/${encodeURIComponent(runId)}/results/${q.data.id}`}>full case view</Link>
          </p>
          <pre className="text" data-testid={`side-${label}`}>
            {q.data.error ?? q.data.output ?? ''}
          </pre>
          <ul className="plain">
            {q.data.scores.map((s) => (
              <li key={s.evaluator} className={s.pass === false ? 'error-text' : undefined}>
                {s.pass === false ? '✗' : s.pass ? '✓' : '·'} {s.evaluator} {num(s.value)} —{' '}
                {s.reason ?? s.error ?? ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** One case of a comparison, the baseline's answer beside the candidate's. */
export function CompareCasePage() {
  const [params] = useSearchParams();
  const baseline = params.get('baseline') ?? '';
  const candidate = params.get('candidate') ?? '';
  const caseId = params.get('case') ?? '';
  const target = params.get('target') ?? '';
  const both = useQuery({
    queryKey: ['case-pair', baseline, candidate, caseId, target],
    queryFn: async () => {
      const get = async (runId: string) => {
        const l = await api<ResultList>(
          `/api/v1/runs/${encodeURIComponent(runId)}/results${qs({ case: caseId, limit: 1 })}`,
        );
        return l.rows[0]?.output ?? null;
      };
      return Promise.all([get(baseline), get(candidate)]);
    },
  });
  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to={`/compare${qs({ baseline, candidate })}`}>Compare</Link> ›{' '}
        <span className="mono">{caseId}</span>
      </nav>
      <h1>
        Case <span className="mono">{caseId}</span>, side by side
      </h1>
      <div className="side-by-side">
        <Side runId={baseline} caseId={caseId} target={target} label="baseline" />
        <Side runId={candidate} caseId={caseId} target={target} label="candidate" />
      </div>
      {both.data?.[0] && both.data[1] ? (
        <>
          <h2>What changed in the answer</h2>
          <p className="muted small">From the baseline's output preview to the candidate's.</p>
          <TextDiff expected={both.data[0]} actual={both.data[1]} />
        </>
      ) : null}
    </>
  );
}
