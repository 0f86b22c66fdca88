import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import type { QueueJson, RaterItem } from '../api/review-types';
import { queuePath } from '../api/who';
import { ErrorBox, Loading } from '../components/bits';
import { count } from '../format';
import './review.css';
import { Annotator } from './review-annotator';
import { HelpDialog } from './review-dialog';

/** The rater's bar: what they did and what is still open to them (traps look like any item). */
function MyProgress({ queue }: { queue: QueueJson }) {
  const mine = queue.progress.mine ?? 0;
  const left = queue.progress.left ?? 0;
  return (
    <div className="progress review-progress">
      <progress id="my-progress" max={Math.max(1, mine + left)} value={mine} />
      <label htmlFor="my-progress" className="small">
        {count(mine)} done · {count(left)} left for you
      </label>
    </div>
  );
}

/**
 * The annotation page: the next item leased to the signed-in rater (`POST queues/{q}/next`), rated
 * with the keyboard or the mouse and saved with `POST items/{id}/labels`.
 */
export function ReviewAnnotatePage() {
  const { queue: name = '' } = useParams();
  const base = `/api/v1/review/queues/${encodeURIComponent(name)}`;
  const client = useQueryClient();
  const [turn, setTurn] = useState(0);
  const [help, setHelp] = useState(false);
  const [said, setSaid] = useState('');
  const [lost, setLost] = useState('');
  const queue = useQuery({ queryKey: ['review-queue', name], queryFn: () => api<QueueJson>(base) });
  // `next` leases an item; asking again returns the same lease, so a refetch is harmless, but only a
  // saved or skipped item moves `turn` on.
  // With no item on screen, `?` still opens the help (the item's own keys live in Annotator).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '?' && !document.querySelector('.annotate') && !document.querySelector('dialog[open]'))
        setHelp(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const next = useQuery({
    queryKey: ['review-next', name, turn],
    queryFn: async () =>
      (await api<{ item: RaterItem } | null>(`${base}/next`, { method: 'POST' }))?.item ?? null,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
  });
  const done = (what: string, wasLost?: boolean) => {
    setSaid(`${what}. Next item.`);
    setLost(wasLost ? what : '');
    // The next item is read from its top (on a phone the rubric is below the item).
    window.scrollTo(0, 0);
    void client.invalidateQueries({ queryKey: ['review-queue', name] });
    setTurn((t) => t + 1);
  };

  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/review">Review</Link> › <Link to={queuePath(name)}>{name}</Link> › <span>rate</span>
      </nav>
      <div className="annotate-head">
        <h1>Rate: {name}</h1>
        <button type="button" className="secondary" onClick={() => setHelp(true)}>
          Shortcuts <kbd>?</kbd>
        </button>
      </div>
      {queue.data ? <MyProgress queue={queue.data} /> : null}
      <p className="sr-only" role="status" aria-live="polite">
        {said}
      </p>
      {lost ? (
        <p className="review-lost" data-testid="review-lost" role="alert">
          {lost}.
        </p>
      ) : null}
      {queue.error ? <ErrorBox error={queue.error} /> : null}
      {next.error ? <ErrorBox error={next.error} /> : null}
      {queue.isPending || next.isPending ? <Loading what="the next item" /> : null}
      {next.data === null ? (
        <div className="panel" data-testid="review-empty">
          <h2>Nothing left for you here</h2>
          <p>
            Every item of this queue that you can rate has been rated or skipped. Thank you.{' '}
            <Link to={queuePath(name)}>Back to the queue</Link>
          </p>
        </div>
      ) : null}
      {queue.data && next.data ? (
        <Annotator
          key={next.data.id}
          queue={queue.data}
          item={next.data}
          onHelp={() => setHelp(true)}
          onDone={done}
        />
      ) : null}
      <HelpDialog open={help} onClose={() => setHelp(false)} />
    </>
  );
}
