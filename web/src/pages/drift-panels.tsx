import { useEffect, useMemo, useRef } from 'react';
import type { DriftReportJson, DriftTest, MonitorWindow } from '../api/types';
import { ErrorBox, Loading, Section } from '../components/bits';
import { count, pct, when } from '../format';
import { useUrlState } from '../url-state';
import { CorrelationPanel } from './correlation-panel';
import { DriftDetail, effectText, statText, Verdict } from './drift-detail';
import { pValue, useDriftReport, windowLabel } from './drift-query';
import { MetricCharts } from './metric-charts';
import './drift.css';

/** What each kind of test watches, and how, for its heading. */
export const KIND_LABELS: Record<string, string> = {
  'drift.inputs': 'Inputs: MMD² on embeddings (permutation test), with the clusters that moved',
  'drift.outputs.length': 'Answer length: Kolmogorov–Smirnov, PSI',
  'drift.outputs.json-valid': 'Valid JSON answers: chi-square, PSI',
  'drift.outputs.refusal': 'Refusal rate: chi-square, PSI',
  'drift.outputs.language': 'Answer language: chi-square, PSI',
  'drift.metric.online-score': 'Online score: EWMA chart',
  'drift.metric.thumbs-down-rate': 'Thumbs-down rate: p-chart (Fisher exact)',
  'drift.metric.rephrase-rate': 'Rephrase rate: p-chart (Fisher exact)',
  'drift.metric.latency-p95': 'Latency tail (share slower than the reference p95): p-chart',
  'drift.metric.cost-per-query': 'Cost per query: EWMA chart',
  'drift.metric.error-rate': 'Error rate: p-chart (Fisher exact)',
};

const GROUPS: [string, string][] = [
  ['Input drift', 'drift.inputs'],
  ['Output drift', 'drift.outputs.'],
  ['Metric drift', 'drift.metric.'],
];

export interface KindRow {
  window: MonitorWindow;
  test: DriftTest;
}

/** A panel's id: the kind of test, and its segment for a per-segment test (`drift.bySegment`). */
export const panelId = (t: DriftTest) => (t.segment ? `${t.kind}[${t.segment}]` : t.kind);

/** Per kind of test (and segment), its rows over the tested windows, in the order the server listed them. */
export function rowsByKind(windows: MonitorWindow[]): Map<string, KindRow[]> {
  const out = new Map<string, KindRow[]>();
  for (const w of windows) {
    for (const t of w.tests) {
      const id = panelId(t);
      const list = out.get(id);
      if (list) list.push({ window: w, test: t });
      else out.set(id, [{ window: w, test: t }]);
    }
  }
  return out;
}

/** `panel@windowStart`: the test whose details are open (the `drift` URL parameter). */
const key = (kind: string, from: string) => `${kind}@${from}`;

function KindPanel(props: {
  /** `panelId`: the kind, with the segment for a per-segment test. */
  id: string;
  rows: KindRow[];
  open: string | undefined;
  onOpen(k: string): void;
}) {
  const { id: kind, rows, open, onOpen } = props;
  const alerts = rows.filter((r) => r.test.alert);
  // The test shown in full: the one picked (URL), else the latest alert of this kind.
  const shown = rows.find((r) => key(kind, r.window.from) === open) ?? (open ? undefined : alerts.at(-1));
  // A test picked from its row, a chart or an alert's link is brought into view once drawn.
  const detail = useRef<HTMLDivElement>(null);
  const picked = shown !== undefined && open === key(kind, shown.window.from);
  useEffect(() => {
    if (picked) detail.current?.scrollIntoView({ block: 'nearest' });
  }, [picked]);
  const first = rows[0]!.test;
  const label = `${KIND_LABELS[first.kind] ?? first.kind}${first.segment ? `, segment ${first.segment}` : ''}`;
  return (
    <details
      className="drift-kind"
      open={alerts.length > 0 || shown !== undefined}
      data-testid={`drift-${kind}`}
    >
      <summary>
        <span className="drift-kind-name">{label}</span>{' '}
        {alerts.length ? (
          <span className="badge badge-fail">
            ⚠ drift in {alerts.length} of {rows.length} windows
          </span>
        ) : (
          <span className="badge badge-pass">✓ no drift in {rows.length} windows</span>
        )}
      </summary>
      <div className="table-wrap">
        <table className="data drift-table">
          <thead>
            <tr>
              <th scope="col">Window (UTC)</th>
              <th scope="col" className="num">
                Traces
              </th>
              <th scope="col" className="num">
                Statistic
              </th>
              <th scope="col" className="num">
                p
              </th>
              <th scope="col" className="num">
                Holm p
              </th>
              <th scope="col" className="num">
                Effect
              </th>
              <th scope="col">Verdict</th>
              <th scope="col">Traces behind it</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ window: w, test: t }) => {
              const k = key(kind, w.from);
              const isShown = shown?.window.from === w.from;
              return (
                <tr
                  key={k}
                  className={t.alert ? 'row-regressed' : undefined}
                  aria-current={isShown || undefined}
                >
                  <td>{windowLabel(w.from)}</td>
                  <td className="num">{count(w.traces)}</td>
                  <td className="num">{statText(t.statistic)}</td>
                  <td className="num">{pValue(t.p)}</td>
                  <td className="num">{pValue(t.adjustedP)}</td>
                  <td className="num">{effectText(t)}</td>
                  <td>
                    <Verdict test={t} />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      disabled={isShown}
                      onClick={() => onOpen(k)}
                      aria-label={`Show the examples of ${windowLabel(w.from)}`}
                    >
                      {isShown ? 'shown below' : 'examples'}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {shown ? (
        <div ref={detail}>
          <DriftDetail test={shown.test} window={shown.window} />
        </div>
      ) : null}
    </details>
  );
}

function Summary({ data }: { data: DriftReportJson }) {
  const tested = data.windows.filter((w) => w.status === 'tested').length;
  const ref = data.settings.reference;
  const refText =
    'from' in ref
      ? `the reference ${when(ref.from)} → ${when(ref.to)}`
      : 'run' in ref
        ? `run ${ref.run}`
        : `the ${ref['previous-windows']} windows before each`;
  const first = data.windows[0];
  const last = data.windows.at(-1);
  return (
    <p className="small">
      {data.windows.length} windows{first && last ? ` (${when(first.from)} → ${when(last.to)})` : ''},{' '}
      {tested} tested against {refText}. A test signals drift when its p-value, Holm-adjusted over every test
      of its window, is at or under α = {data.settings.alpha}, so a window of stationary traffic raises any
      alert with probability at most {pct(data.settings.alpha, 0)}.
      {data.settings.inputs === 'off' ? ' Input drift is off (no embedder configured).' : ''}
    </p>
  );
}

/**
 * The drift panels of the monitoring page: per kind of test (inputs, each output feature, each
 * metric) every tested window's statistic, p-value, Holm-adjusted p, effect and verdict, and for the
 * latest alert (or the window picked) the traces behind it. Metric drift is also charted. The drift
 * window and the open test live in the URL (`window`, `drift`). The offline↔online correlation,
 * from the same answer, follows.
 */
export function DriftPanels({ from, to }: { from?: string | undefined; to?: string | undefined }) {
  const [params, update] = useUrlState();
  // The page's slicing filters narrow its traffic charts, not drift: say so rather than mislead.
  const sliced = ['segment', 'model', 'promptVersion'].filter((k) => params.get(k));
  const note = sliced.length
    ? `Drift is tested on the whole traffic (and per segment with drift.bySegment): the ${sliced.join(', ')} filter does not apply to it.`
    : undefined;
  const window = params.get('window') ?? undefined;
  const open = params.get('drift') ?? undefined;
  const q = useDriftReport({ from, to, window });
  const data = q.data;
  // Computed once per answer, so the charts are redrawn only when the data changes.
  const groups = useMemo(() => {
    const kinds = rowsByKind(data?.windows ?? []);
    return GROUPS.map(([title, prefix]) => ({
      title,
      prefix,
      kinds: [...kinds].filter(([k]) => k.startsWith(prefix)),
    })).filter((g) => g.kinds.length > 0);
  }, [data]);
  const onOpen = (k: string) => update({ drift: k });
  return (
    <>
      <Section title="Drift" id="drift">
        <div className="controls">
          <label>
            Drift window
            <select value={window ?? ''} onChange={(e) => update({ window: e.target.value, drift: null })}>
              <option value="">as configured</option>
              {[...new Set(['1h', '6h', '1d', '7d', ...(window ? [window] : [])])].map((w) => (
                <option key={w} value={w}>
                  {w}
                </option>
              ))}
            </select>
          </label>
        </div>
        {note ? <p className="muted small">{note}</p> : null}
        {q.isPending ? <Loading what="drift (computed from the stored traffic)" /> : null}
        {q.error ? <ErrorBox error={q.error} /> : null}
        {data === null ? <p className="muted">This server has no monitoring routes.</p> : null}
        {data ? (
          <>
            <Summary data={data} />
            {groups.length === 0 ? (
              <p className="muted">
                No window in this range was tested (too little traffic, or all of it reference).
              </p>
            ) : null}
            {groups.map((g) => (
              <div key={g.title} className="drift-group">
                <h3>{g.title}</h3>
                {g.prefix === 'drift.metric.' ? <MetricCharts kinds={g.kinds} onPick={onOpen} /> : null}
                {g.kinds.map(([kind, rows]) => (
                  <KindPanel key={kind} id={kind} rows={rows} open={open} onOpen={onOpen} />
                ))}
              </div>
            ))}
          </>
        ) : null}
      </Section>
      {data ? <CorrelationPanel data={data} /> : null}
    </>
  );
}
