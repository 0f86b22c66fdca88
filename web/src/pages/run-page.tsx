import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import type { RunDetail } from '../api/types';
import { Card, ErrorBox, Loading, RateBar, StatusBadge } from '../components/bits';
import { count, ms, pct, range, shortId, usd, when } from '../format';
import { CaseTable } from './case-table';
import { FailureAnalysisPanel } from './run-analysis';
import { EvaluatorsPanel, GatesPanel, JudgePanel, StrataPanel } from './run-summary';

function ProgressBar({ detail }: { detail: RunDetail }) {
  const { done, expected } = detail.progress;
  const share = expected ? Math.min(1, done / expected) : null;
  return (
    <div className="progress" role="status" aria-live="polite">
      <progress max={expected ?? undefined} value={done} aria-label="Run progress" />
      <span>
        {count(done)}
        {expected ? ` of ${count(expected)} results (${pct(share)})` : ' results so far'} — updating live
      </span>
    </div>
  );
}

/** A run: its summary, gates, judge checks, failure analysis and the case table. */
export function RunPage() {
  const { runId = '' } = useParams();
  const detail = useQuery({
    queryKey: ['run', runId],
    queryFn: () => api<RunDetail>(`/api/v1/runs/${encodeURIComponent(runId)}`),
    refetchInterval: (q) => (q.state.data?.run.status === 'running' ? 2000 : false),
  });
  if (detail.isPending) return <Loading what="the run" />;
  if (detail.error) return <ErrorBox error={detail.error} />;
  const d = detail.data;
  const s = d.summary;
  const running = d.run.status === 'running';
  const p = d.run.provenance;
  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/">Runs</Link> › <span>{shortId(d.run.id)}</span>
      </nav>
      <h1>
        Run <span className="mono">{d.run.id}</span> <StatusBadge status={d.run.status} />
      </h1>
      <p className="lead">
        {d.run.description ? `${d.run.description} · ` : ''}
        dataset {p.dataset.name} <span className="mono">{p.dataset.version.slice(0, 12)}</span> ·{' '}
        {p.targets.map((t) => String(t.id)).join(', ')} · started {when(d.run.createdAt)}
        {p.gitCommit ? (
          <>
            {' '}
            · commit <span className="mono">{p.gitCommit.slice(0, 10)}</span>
            {p.gitDirty ? ' (dirty)' : ''}
          </>
        ) : null}
      </p>
      {running ? <ProgressBar detail={d} /> : null}
      {d.run.error ? <ErrorBox error={d.run.error} /> : null}
      {d.regression ? (
        <div className="banner banner-bad" role="alert">
          ▼ Regressed against baseline{' '}
          <Link
            to={`/compare?baseline=${encodeURIComponent(d.regression.baseline)}&candidate=${encodeURIComponent(d.run.id)}`}
          >
            {shortId(d.regression.baseline)}
          </Link>
          : {d.regression.rows.join(', ')}
        </div>
      ) : null}
      <div className="cards">
        <Card
          label="Pass rate"
          value={pct(s.passed + s.failed ? s.passRate : null)}
          sub={s.interval ? `95% interval ${range(s.interval)}` : undefined}
        />
        <Card
          label="Results"
          value={count(s.total)}
          sub={`${count(s.passed)} passed · ${count(s.failed)} failed · ${count(s.errors)} errors`}
        />
        <Card label="Cost" value={usd(s.costUsd)} sub={`${count(s.tokens.total)} tokens`} />
        <Card
          label="Latency p50 / p95"
          value={`${ms(s.latencyMs.p50)} / ${ms(s.latencyMs.p95)}`}
          sub={`p99 ${ms(s.latencyMs.p99)}`}
        />
        {s.repeats ? (
          <Card
            label={`pass@${s.repeats.k}`}
            value={pct(s.repeats.passAtK)}
            sub={`${s.repeats.flaky.count} flaky cases`}
          />
        ) : null}
      </div>
      {Object.keys(s.byTarget).length > 1 ? (
        <div className="targets">
          {Object.entries(s.byTarget).map(([t, r]) => (
            <div key={t}>
              <span className="mono">{t}</span>{' '}
              <RateBar value={r.passed + r.failed ? r.passRate : null} interval={r.interval} />
            </div>
          ))}
        </div>
      ) : null}
      <GatesPanel gates={d.gates} />
      <EvaluatorsPanel detail={d} />
      <StrataPanel detail={d} />
      <JudgePanel detail={d} />
      <FailureAnalysisPanel runId={d.run.id} running={running} />
      <CaseTable detail={d} />
    </>
  );
}
