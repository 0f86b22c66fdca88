import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { QueueJson } from '../api/review-types';
import { isAdmin, queuePath, useWho } from '../api/who';
import { ErrorBox, Loading } from '../components/bits';
import { count, pct } from '../format';
import './review.css';

/** Items with all their k ratings, as a bar and as numbers. */
export function QueueBar({ queue }: { queue: QueueJson }) {
  // Admins only: a reviewer's queue carries no queue-wide counts.
  const { items = 0, complete = 0 } = queue.progress;
  const id = `bar-${queue.id}`;
  return (
    <span className="queue-bar">
      <progress id={id} max={Math.max(1, items)} value={complete} />
      <label htmlFor={id} className="small">
        {count(complete)} of {count(items)} fully rated ({pct(items ? complete / items : null, 0)})
      </label>
    </span>
  );
}

/** Every review queue of the project: admins see progress and labels, reviewers a way in to rate. */
export function ReviewQueuesPage() {
  const who = useWho();
  const admin = isAdmin(who.data);
  const queues = useQuery({
    queryKey: ['review-queues'],
    queryFn: () => api<{ queues: QueueJson[] }>('/api/v1/review/queues'),
    refetchInterval: 10_000,
  });
  return (
    <>
      <h1>Review</h1>
      <p className="lead">
        {admin
          ? 'Human review queues: each item goes to k raters, trap items check each rater, and agreement is measured per dimension.'
          : 'Your review queues. Open one to rate its items; press ? on the rating page for the keyboard shortcuts.'}
      </p>
      {queues.isPending ? <Loading what="the queues" /> : null}
      {queues.error ? <ErrorBox error={queues.error} /> : null}
      {queues.data && queues.data.queues.length === 0 ? (
        <p className="muted">
          No review queue yet.{' '}
          {admin ? (
            <>
              Create one with <code>POST /api/v1/review/queues</code> (docs/review.md).
            </>
          ) : null}
        </p>
      ) : null}
      {queues.data && queues.data.queues.length > 0 ? (
        <div className="table-wrap">
          <table className="data" data-testid="review-queues">
            <caption className="sr-only">Review queues</caption>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col">Rubric</th>
                {admin ? (
                  <>
                    <th scope="col">Progress</th>
                    <th scope="col" className="num">
                      Raters per item
                    </th>
                    <th scope="col" className="num">
                      Labels
                    </th>
                    <th scope="col" className="num">
                      Traps
                    </th>
                  </>
                ) : null}
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {queues.data.queues.map((q) => (
                <tr key={q.id}>
                  <td>
                    <Link to={queuePath(q.name)}>{q.name}</Link>
                  </td>
                  <td className="small">{q.dimensions.map((d) => d.name).join(', ')}</td>
                  {admin ? (
                    <>
                      <td>
                        <QueueBar queue={q} />
                      </td>
                      <td className="num">{q.raters}</td>
                      <td className="num">{count(q.progress.labels)}</td>
                      <td className="num">{count(q.progress.traps)}</td>
                    </>
                  ) : null}
                  <td>
                    {who.data?.user ? (
                      <Link to={`${queuePath(q.name)}/rate`} aria-label={`Rate items of ${q.name}`}>
                        Rate
                      </Link>
                    ) : null}
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
