import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api/client';
import type { QueueJson, RaterItem, Score, Scores } from '../api/review-types';
import { ErrorBox } from '../components/bits';
import { SkipDialog } from './review-dialog';
import { ItemView } from './review-item-view';
import { ScoreField, valueForKey } from './review-rubric';

/** Keys typed into a text box are text, not shortcuts. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (
    target.isContentEditable ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  )
    return true;
  return (
    target instanceof HTMLInputElement && !['radio', 'checkbox', 'button', 'submit'].includes(target.type)
  );
}

/**
 * The item being rated, its rubric and comment box, and the keyboard: digits score the highlighted
 * dimension, `n` saves and moves on, `s` asks for a reason and skips, `?` opens the help, `c` the comment.
 * Mounted once per item (keyed by its id), so every item starts blank.
 */
export function Annotator(props: {
  queue: QueueJson;
  item: RaterItem;
  onHelp(): void;
  /** Saved or skipped (`what`), or not saved because the item is no longer this rater's (`lost`). */
  onDone(what: string, lost?: boolean): void;
}) {
  const { queue, item, onHelp, onDone } = props;
  const dims = queue.dimensions;
  const [scores, setScores] = useState<Scores>({});
  const [comment, setComment] = useState('');
  const [active, setActive] = useState(0);
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [skipping, setSkipping] = useState(false);
  const comments = useRef<HTMLTextAreaElement>(null);

  const pick = (index: number, value: Score) => {
    setScores((s) => ({ ...s, [dims[index]!.name]: value }));
    setProblem(null);
  };

  const post = async (body: Record<string, unknown>, what: string) => {
    setBusy(true);
    setProblem(null);
    try {
      await api(`/api/v1/review/items/${encodeURIComponent(item.id)}/labels`, { method: 'POST', body });
      onDone(what);
    } catch (e) {
      // 409: the lease ran out and the item went to other raters meanwhile; nothing to retry, so on
      // to the next item, saying so.
      if (e instanceof ApiError && e.status === 409) {
        onDone('Not saved: the item went to other raters while it waited (your lease ran out)', true);
        return;
      }
      setProblem(e);
      setBusy(false);
    }
  };

  const save = () => {
    if (busy) return;
    const missing = dims.findIndex((d) => scores[d.name] === undefined);
    if (missing >= 0) {
      setActive(missing);
      setProblem(
        `Score every dimension first: ${dims
          .filter((d) => scores[d.name] === undefined)
          .map((d) => d.name)
          .join(', ')} still open.`,
      );
      return;
    }
    void post({ scores, ...(comment.trim() ? { comment: comment.trim() } : {}) }, 'Saved');
  };

  const skip = (reason: string) =>
    void post({ skipped: true, reason, ...(comment.trim() ? { comment: comment.trim() } : {}) }, 'Skipped');

  // The newest handler, read by one window listener.
  const onKey = useRef<(e: KeyboardEvent) => void>(() => {});
  onKey.current = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    if (document.querySelector('dialog[open]')) return;
    const d = dims[active];
    let handled = true;
    if (/^[0-9]$/.test(e.key) && d) {
      const v = valueForKey(d, e.key);
      if (v === undefined) handled = false;
      else {
        pick(active, v);
        if (active < dims.length - 1) setActive(active + 1);
      }
    } else if (e.key === 'n') save();
    else if (e.key === 's') setSkipping(true);
    else if (e.key === '?') onHelp();
    else if (e.key === 'c') comments.current?.focus();
    else if (e.key === 'j') setActive((a) => Math.min(dims.length - 1, a + 1));
    else if (e.key === 'k') setActive((a) => Math.max(0, a - 1));
    else handled = false;
    // The key is a command: it must not also type into whatever gets the focus next.
    if (handled) e.preventDefault();
  };
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKey.current(e);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save();
  };
  const done = dims.filter((d) => scores[d.name] !== undefined).length;

  return (
    <div className="annotate">
      <div className="annotate-item panel">
        <ItemView item={item} />
      </div>
      <form className="annotate-form panel" onSubmit={submit} aria-label="Your rating">
        {queue.guidelines ? (
          <details className="guidelines" open>
            <summary>Guidelines</summary>
            <p className="guidelines-text">{queue.guidelines}</p>
          </details>
        ) : null}
        <h2>
          Rubric{' '}
          <span className="muted small">
            ({done} of {dims.length} scored)
          </span>
        </h2>
        {dims.map((d, i) => (
          <ScoreField
            key={d.name}
            dimension={d}
            index={i}
            value={scores[d.name]}
            active={i === active}
            onPick={(v) => pick(i, v)}
            onActivate={() => setActive(i)}
          />
        ))}
        <label className="comment">
          Comment <span className="muted small">(optional, press c)</span>
          <textarea
            ref={comments}
            rows={3}
            maxLength={10_000}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') e.currentTarget.blur();
            }}
          />
        </label>
        {problem ? <ErrorBox error={problem} /> : null}
        <div className="row-buttons">
          <button type="submit" disabled={busy}>
            Save and next <kbd>n</kbd>
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => setSkipping(true)}>
            Skip… <kbd>s</kbd>
          </button>
        </div>
      </form>
      <SkipDialog
        open={skipping}
        busy={busy}
        onClose={() => setSkipping(false)}
        onSkip={(reason) => {
          setSkipping(false);
          skip(reason);
        }}
      />
    </div>
  );
}
