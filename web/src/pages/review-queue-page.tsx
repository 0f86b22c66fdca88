import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, qs } from '../api/client';
import type { AgreementJson, QueueJson, RaterRow } from '../api/review-types';
import { isAdmin, queuePath, useWho } from '../api/who';
import { Card, ErrorBox, Loading, Section } from '../components/bits';
import { count, pct } from '../format';
import { useUrlState } from '../url-state';
import './review.css';
import { AgreementPanel, RatersPanel } from './review-agreement';
import { QueueBar } from './review-queues-page';
import { DimensionHelp } from './review-rubric';

function Rubric({ queue }: { queue: QueueJson }) {
  return (
    <Section title="Rubric" id="rubric">
      <dl className="rubric">
        {queue.dimensions.map((d, i) => (
          <div key={d.name}>
            <dt>
              {d.name}{' '}
              <span className="muted small">
                {'scale' in d ? `${d.scale[0]}–${d.scale[1]}, ${d.level ?? 'ordinal'}` : d.labels.join(' / ')}
              </span>
            </dt>
            <dd>
              <DimensionHelp dimension={d} id={`rubric-${i}`} />
            </dd>
          </div>
        ))}
      </dl>
      {queue.guidelines ? (
        <>
          <h3>Guidelines</h3>
          <p className="guidelines-text">{queue.guidelines}</p>
        </>
      ) : null}
    </Section>
  );
}

/** A reviewer's view of a queue: their own work only (what they did, what is left to them). */
function MyWork({ queue, me }: { queue: QueueJson; me: RaterRow | undefined }) {
  const mine = queue.progress.mine ?? 0;
  const left = queue.progress.left ?? 0;
  return (
    <Section title="Your work" id="mine">
      <div className="progress">
        <progress id="mine-bar" max={Math.max(1, mine + left)} value={mine} />
        <label htmlFor="mine-bar">
          {count(me?.rated ?? 0)} rated · {count(me?.skipped ?? 0)} skipped · {count(left)} left for you
        </label>
      </div>
    </Section>
  );
}

/**
 * A queue: for admins its progress, agreement (α per dimension, κ per pair) and raters (trap accuracy,
 * flags); for a reviewer the rubric and their own work. Both can start rating and open the calibration view.
 */
export function ReviewQueuePage() {
  const { queue: name = '' } = useParams();
  const [params, update] = useUrlState();
  const who = useWho();
  const admin = isAdmin(who.data);
  const includeFlagged = params.get('includeFlagged') === 'true';
  const base = `/api/v1/review/queues/${encodeURIComponent(name)}`;
  const live = { refetchInterval: 10_000 } as const;
  const queue = useQuery({ queryKey: ['review-queue', name], queryFn: () => api<QueueJson>(base), ...live });
  const raters = useQuery({
    queryKey: ['review-raters', name],
    queryFn: () => api<RaterRow[]>(`${base}/raters`),
    ...live,
  });
  const agreement = useQuery({
    queryKey: ['review-agreement', name, includeFlagged],
    queryFn: () =>
      api<AgreementJson>(`${base}/agreement${qs({ includeFlagged: includeFlagged ? 'true' : null })}`),
    enabled: admin && who.isSuccess,
    ...live,
  });
  if (queue.isPending) return <Loading what="the queue" />;
  if (queue.error) return <ErrorBox error={queue.error} />;
  const q = queue.data;
  const p = q.progress;
  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/review">Review</Link> › <span>{q.name}</span>
      </nav>
      <h1>Queue {q.name}</h1>
      <div className="row-buttons">
        {who.data?.user ? (
          <Link className="button-link" to={`${queuePath(q.name)}/rate`}>
            Start rating
          </Link>
        ) : null}
        <Link className="button-link secondary" to={`${queuePath(q.name)}/calibration`}>
          Calibration session
        </Link>
        {admin ? (
          <a className="button-link secondary" href={`${base}/export`} download={`${q.name}-export.json`}>
            Export labels (JSON)
          </a>
        ) : null}
      </div>
      {admin ? (
        <>
          <div className="cards">
            <Card
              label="Items"
              value={count(p.items)}
              sub={`and ${count(p.traps)} trap${p.traps === 1 ? '' : 's'}`}
            />
            <Card label="Fully rated" value={<QueueBar queue={q} />} />
            <Card label="Labels" value={count(p.labels)} sub={`${q.raters} raters per item`} />
            <Card
              label="Trap rate"
              value={pct(q.trapRate, 0)}
              sub={`aggregation: ${q.aggregation} · lease ${q.leaseMinutes} min`}
            />
          </div>
          {agreement.error ? <ErrorBox error={agreement.error} /> : null}
          {agreement.data ? (
            <>
              <label className="inline-check">
                <input
                  type="checkbox"
                  checked={includeFlagged}
                  onChange={(e) => update({ includeFlagged: e.target.checked ? 'true' : null })}
                />
                Include flagged raters in agreement
              </label>
              <AgreementPanel queue={q} agreement={agreement.data} />
            </>
          ) : agreement.isPending ? (
            <Loading what="agreement" />
          ) : null}
          {raters.data ? <RatersPanel queue={q} raters={raters.data} /> : null}
        </>
      ) : (
        <MyWork queue={q} me={raters.data?.[0]} />
      )}
      {raters.error ? <ErrorBox error={raters.error} /> : null}
      <Rubric queue={q} />
    </>
  );
}
