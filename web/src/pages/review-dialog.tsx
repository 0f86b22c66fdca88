import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';

/** A modal `<dialog>`: focus stays inside while open, Escape closes it, focus returns where it was. */
export function Modal(props: { open: boolean; title: string; onClose(): void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const { open, onClose } = props;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="modal" aria-labelledby="modal-title" onClose={onClose}>
      {open ? (
        <>
          <h2 id="modal-title">{props.title}</h2>
          {props.children}
        </>
      ) : null}
    </dialog>
  );
}

export const SHORTCUTS: [string, string][] = [
  ['1 … 9, 0', 'score the highlighted dimension (the key is shown on each value), then move to the next'],
  ['j / k', 'highlight the next / previous dimension'],
  ['n', 'save the scores and go to the next item'],
  ['s', 'skip this item (you are asked why)'],
  ['c', 'write a comment (Escape leaves the comment box)'],
  ['?', 'show this help'],
  ['Escape', 'close a dialog'],
];

export function HelpDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  return (
    <Modal open={open} title="Keyboard shortcuts" onClose={onClose}>
      <dl className="shortcuts">
        {SHORTCUTS.map(([k, what]) => (
          <div key={k}>
            <dt>
              <kbd>{k}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <p className="muted small">
        The shortcuts are off while you type in a text box. Every control also works with the mouse, Tab and
        the arrow keys.
      </p>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </Modal>
  );
}

const REASONS = [
  'I cannot judge this topic',
  'The content is broken or empty',
  'Not in a language I read',
  'Offensive content',
];

/** Asks why the item is skipped; the reason is stored with the skip (docs/review.md). */
export function SkipDialog(props: {
  open: boolean;
  busy: boolean;
  onClose(): void;
  onSkip(reason: string): void;
}) {
  const [reason, setReason] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSkip(reason.trim() || 'skipped');
  };
  return (
    <Modal open={props.open} title="Skip this item" onClose={props.onClose}>
      <form onSubmit={submit} className="skip-form">
        <label>
          Why skip it?
          <input
            type="text"
            list="skip-reasons"
            value={reason}
            maxLength={1000}
            onChange={(e) => setReason(e.target.value)}
            placeholder="a short reason"
          />
        </label>
        <datalist id="skip-reasons">
          {REASONS.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        <div className="row-buttons">
          <button type="submit" disabled={props.busy}>
            Skip item
          </button>
          <button type="button" className="secondary" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
