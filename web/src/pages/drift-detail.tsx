import { Link } from 'react-router';
import type { ClusterShift, DriftExample, DriftTest } from '../api/types';
import { count, pct } from '../format';
import { pValue, traceLink, tracesOf, windowLabel } from './drift-query';

/** The effect of a test with what it measures: `PSI 0.39`, `shift 27.5%`, `Δ 0.21`. */
export function effectText(t: DriftTest): string {
  if (t.effect === undefined) return '–';
  if (t.effectName === 'psi') return `PSI ${t.effect.toFixed(2)}`;
  if (t.effectName === 'cluster-share-shift') return `shift ${pct(t.effect)}`;
  const v = Math.abs(t.effect) < 0.01 ? t.effect.toPrecision(2) : t.effect.toFixed(3);
  return `Δ ${t.effect > 0 ? '+' : ''}${v}`;
}

/** A statistic at a precision that shows small MMD² values too. */
export const statText = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** A drift test's verdict, in words and a shape, not colour alone. */
export function Verdict({ test }: { test: DriftTest }) {
  return test.alert ? (
    <span className="badge badge-fail">⚠ drift</span>
  ) : (
    <span className="badge badge-pass">✓ no drift</span>
  );
}

/** Two shares as a pair of bars (reference, window) drawn in SVG: no inline style under the CSP. */
function ShareBars({ from, to }: { from: number; to: number }) {
  const w = (v: number) => Math.max(0.5, Math.min(1, v) * 100);
  return (
    <svg className="share-bars" viewBox="0 0 100 14" preserveAspectRatio="none" aria-hidden="true">
      <rect className="share-ref" x="0" y="1" width={w(from)} height="5" />
      <rect className="share-cur" x="0" y="8" width={w(to)} height="5" />
    </svg>
  );
}

function Examples({ examples }: { examples: DriftExample[] }) {
  return (
    <ol className="drift-examples">
      {examples.map((e) => (
        <li key={e.traceId}>
          <div className="drift-example-head">
            <Link to={traceLink(e.traceId)}>trace {e.traceId}</Link>
          </div>
          <div className="drift-example-io">
            <span className="muted small">input</span>
            <pre className="text">{e.input}</pre>
            <span className="muted small">output</span>
            <pre className="text">{e.output}</pre>
          </div>
        </li>
      ))}
    </ol>
  );
}

function Clusters({ clusters }: { clusters: ClusterShift[] }) {
  if (clusters.length === 0) return <p className="muted">No cluster of inputs moved by 5 points or more.</p>;
  return (
    <ul className="plain drift-clusters">
      {clusters.map((c) => (
        <li key={c.cluster}>
          <div>
            <strong>{c.change > 0 ? '▲ grew' : '▼ shrank'}</strong>: inputs like these were{' '}
            {pct(c.referenceShare)} of the reference and {pct(c.currentShare)} of the window
          </div>
          <ShareBars from={c.referenceShare} to={c.currentShare} />
          <ul className="drift-inputs">
            {c.examples.map((text, i) => (
              <li key={c.traceIds[i] ?? text}>
                <q>{text}</q>{' '}
                {c.traceIds[i] ? <Link to={traceLink(c.traceIds[i])}>trace {c.traceIds[i]}</Link> : null}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/**
 * One test of one window, in full: its one-line message, the figures it was decided on, and the
 * traces behind it — the clusters of inputs that grew or shrank with example inputs, or the example
 * answers of the window — each linked to its trace, and the window's traces as a whole.
 */
export function DriftDetail(props: {
  test: DriftTest;
  window: { from: string; to: string; traces: number };
}) {
  const { test, window: w } = props;
  const clusters = test.details?.clusters as ClusterShift[] | undefined;
  const examples = (test.details?.examples as DriftExample[] | undefined) ?? [];
  return (
    <div className="drift-detail" data-testid="drift-detail">
      <h4>
        {windowLabel(w.from)} → {windowLabel(w.to)} UTC <Verdict test={test} />
      </h4>
      <p className="drift-message">{test.message}</p>
      <p className="muted small">
        {test.test} statistic {statText(test.statistic)} · p {pValue(test.p)} · Holm-adjusted p{' '}
        {pValue(test.adjustedP)} · {effectText(test)}
      </p>
      {clusters ? <Clusters clusters={clusters} /> : null}
      {examples.length ? (
        <>
          <p className="small">Example traces of this window that show the change:</p>
          <Examples examples={examples} />
        </>
      ) : null}
      <p className="small">
        <Link to={tracesOf(w.from, w.to)}>All {count(w.traces)} traces of this window</Link>
      </p>
    </div>
  );
}
