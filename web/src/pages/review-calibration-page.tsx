import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import type { CalibrationItem, QueueJson, Score, Scores } from '../api/review-types';
import { isAdmin, queuePath, useWho } from '../api/who';
import { ErrorBox, Loading } from '../components/bits';
import { num } from '../format';
import './review.css';
import { ItemView } from './review-item-view';
import { optionsOf } from './review-rubric';

/** An admin records the agreed answer; with "trap" it becomes the item's gold, checked on later raters. */
function ConsensusForm(props: { queue: QueueJson; entry: CalibrationItem; onSaved(message: string): void }) {
  const { queue, entry, onSaved } = props;
  const client = useQueryClient();
  const [scores, setScores] = useState<Scores>(entry.item.consensus ?? {});
  const [trap, setTrap] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = entry.item.id;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/review/items/${encodeURIComponent(id)}/consensus`, {
        method: 'POST',
        body: { scores, ...(trap ? { trap: true } : {}) },
      });
      // As a trap the item leaves this list (traps are not calibrated), so the page says it was saved.
      onSaved(
        trap
          ? `Consensus on ${id} recorded; the item is a trap from now on.`
          : `Consensus on ${id} recorded.`,
      );
      void client.invalidateQueries({ queryKey: ['review-calibration', queue.name] });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="consensus" onSubmit={submit} aria-label={`Consensus on ${id}`}>
      <h4>Consensus</h4>
      <div className="consensus-fields">
        {queue.dimensions.map((d) => {
          const options = optionsOf(d);
          const v = scores[d.name];
          return (
            <label key={d.name}>
              {d.name}
              <select
                value={v === undefined ? '' : String(v)}
                required
                onChange={(e) => {
                  const picked = options.find((o) => String(o) === e.target.value);
                  setScores((s) => {
                    const next: Scores = { ...s };
                    if (picked === undefined) delete next[d.name];
                    else next[d.name] = picked as Score;
                    return next;
                  });
                }}
              >
                <option value="">choose…</option>
                {options.map((o) => (
                  <option key={String(o)} value={String(o)}>
                    {String(o)}
                  </option>
                ))}
              </select>
            </label>
          );
        })}
      </div>
      <label className="inline-check">
        <input type="checkbox" checked={trap} onChange={(e) => setTrap(e.target.checked)} />
        Make it a trap (its gold label)
      </label>
      <button type="submit" disabled={busy}>
        Record consensus
      </button>
      {error ? <ErrorBox error={error} /> : null}
    </form>
  );
}

/**
 * The calibration session: the items with the most disagreement, every rater's scores and comments
 * side by side; an admin records the consensus.
 */
export function ReviewCalibrationPage() {
  const { queue: name = '' } = useParams();
  const base = `/api/v1/review/queues/${encodeURIComponent(name)}`;
  const who = useWho();
  const admin = isAdmin(who.data);
  const [said, setSaid] = useState('');
  const queue = useQuery({ queryKey: ['review-queue', name], queryFn: () => api<QueueJson>(base) });
  const cal = useQuery({
    queryKey: ['review-calibration', name],
    queryFn: () => api<{ items: CalibrationItem[] }>(`${base}/calibration`),
  });
  if (queue.isPending || cal.isPending) return <Loading what="the calibration session" />;
  if (queue.error || cal.error) return <ErrorBox error={queue.error ?? cal.error} />;
  const q = queue.data;
  const dims = q.dimensions.map((d) => d.name);
  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/review">Review</Link> › <Link to={queuePath(name)}>{name}</Link> › <span>calibration</span>
      </nav>
      <h1>Calibration session: {name}</h1>
      <p className="lead">
        The items the raters disagreed on most, with everyone's ratings and comments. Discuss them, then
        {admin
          ? ' record the agreed answer: it overrides the aggregate, and can become a trap.'
          : ' an admin records the agreed answer.'}
      </p>
      <p role="status" className="banner banner-ok" hidden={!said}>
        {said}
      </p>
      {cal.data.items.length === 0 ? <p className="muted">No item has two ratings yet.</p> : null}
      {cal.data.items.map((entry, n) => (
        <article key={entry.item.id} className="panel calibration-item" aria-labelledby={`cal-${n}`}>
          <h2 id={`cal-${n}`}>
            {n + 1}. <span className="mono">{entry.item.id}</span>{' '}
            <span className="muted small">disagreement {num(entry.disagreement, 2)}</span>
          </h2>
          <ItemView item={entry.item} headingLevel={3} />
          <h3>Ratings</h3>
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Rater</th>
                  {dims.map((d) => (
                    <th key={d} scope="col">
                      {d}
                    </th>
                  ))}
                  <th scope="col">Comment</th>
                </tr>
              </thead>
              <tbody>
                {entry.ratings.map((r) => (
                  <tr key={r.user}>
                    <th scope="row">{r.user}</th>
                    {dims.map((d) => (
                      <td key={d}>{r.scores?.[d] === undefined ? '–' : String(r.scores[d])}</td>
                    ))}
                    <td className="output-cell">{r.comment ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {entry.item.consensus ? (
            <p className="small">
              Recorded consensus:{' '}
              {Object.entries(entry.item.consensus)
                .map(([k, v]) => `${k} ${String(v)}`)
                .join(', ')}
            </p>
          ) : null}
          {admin ? <ConsensusForm queue={q} entry={entry} onSaved={setSaid} /> : null}
        </article>
      ))}
    </>
  );
}
