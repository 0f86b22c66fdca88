import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { pct, range } from '../format';

/** Pass / fail / error as a word and a shape, not colour alone. */
export function StatusBadge({ status }: { status: string }) {
  const label: Record<string, string> = {
    pass: '✓ pass',
    fail: '✗ fail',
    error: '! error',
    completed: 'completed',
    running: '● running',
    aborted: 'aborted',
    interrupted: 'interrupted',
    improved: '▲ improved',
    regressed: '▼ regressed',
    'no significant change': 'no significant change',
  };
  return <span className={`badge badge-${status.replace(/\s+/g, '-')}`}>{label[status] ?? status}</span>;
}

/** A rate with its 95% interval, drawn as a bar and written as numbers. */
export function RateBar({ value, interval }: { value: number | null; interval?: [number, number] | null }) {
  if (value === null) return <span className="muted">–</span>;
  const title = interval ? `${pct(value)} (95% interval ${range(interval)})` : pct(value);
  return (
    <span className="rate" title={title}>
      <span className="rate-track" aria-hidden="true">
        {interval ? (
          <span
            className="rate-interval"
            style={{
              left: `${interval[0] * 100}%`,
              width: `${Math.max(0.5, (interval[1] - interval[0]) * 100)}%`,
            }}
          />
        ) : null}
        <span className="rate-value" style={{ left: `${value * 100}%` }} />
      </span>
      <span className="rate-text">
        {pct(value)}
        {interval ? <span className="muted"> [{range(interval)}]</span> : null}
      </span>
    </span>
  );
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section className="panel" aria-labelledby={id ? `${id}-title` : undefined}>
      <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
      {children}
    </section>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  const message = error instanceof ApiError || error instanceof Error ? error.message : String(error);
  return (
    <p className="error-box" role="alert">
      {message}
    </p>
  );
}

export function Card({ label, value, sub }: { label: string; value: ReactNode; sub?: ReactNode }) {
  return (
    <div className="card">
      <div className="card-label">{label}</div>
      <div className="card-value">{value}</div>
      {sub ? <div className="card-sub muted">{sub}</div> : null}
    </div>
  );
}

export function Pager(props: { offset: number; limit: number; total: number; onPage(offset: number): void }) {
  const { offset, limit, total, onPage } = props;
  const last = Math.max(0, Math.ceil(total / limit) - 1);
  const page = Math.floor(offset / limit);
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={page === 0} onClick={() => onPage(Math.max(0, offset - limit))}>
        ‹ Previous
      </button>
      <span className="muted">
        page {page + 1} of {last + 1} · {total.toLocaleString('en-US')} results
      </span>
      <button type="button" disabled={page >= last} onClick={() => onPage(offset + limit)}>
        Next ›
      </button>
    </nav>
  );
}
