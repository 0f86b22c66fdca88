import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, qs } from '../api/client';
import type { ResultList, ResultView } from '../api/types';
import { ErrorBox, Loading, StatusBadge } from '../components/bits';
import { TextDiff } from '../components/text-diff';
import { ms, num, shortId } from '../format';

/**
 * A case's result in one run: the target's, else the case's first (runs of one target each are paired
 * by case id even when their targets are named differently); null when the run does not have the case.
 */
function useCaseResult(runId: string, caseId: string, target: string) {
  return useQuery({
    queryKey: ['case-side', runId, caseId, target],
    queryFn: async () => {
      const find = (t?: string) =>
        api<ResultList>(
          `/api/v1/runs/${encodeURIComponent(runId)}/results${qs({ case: caseId, limit: 1, target: t })}`,
        );
      const row = (await find(target)).rows[0] ?? (target ? (await find()).rows[0] : undefined);
      return row ? api<ResultView>(`/api/v1/runs/${encodeURIComponent(runId)}/results/${row.id}`) : null;
    },
  });
}

function Side({ runId, label, q }: { runId: string; label: string; q: ReturnType<typeof useCaseResult> }) {
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
  const base = useCaseResult(baseline, caseId, target);
  const cand = useCaseResult(candidate, caseId, target);
  const before = base.data?.output;
  const after = cand.data?.output;
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
        <Side runId={baseline} label="baseline" q={base} />
        <Side runId={candidate} label="candidate" q={cand} />
      </div>
      {before && after ? (
        <>
          <h2>What changed in the answer</h2>
          <p className="muted small">From the baseline's output to the candidate's.</p>
          <TextDiff expected={before} actual={after} />
        </>
      ) : null}
    </>
  );
}
