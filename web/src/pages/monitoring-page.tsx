import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, qs } from '../api/client';
import type { TrafficBucket, TrafficSeries } from '../api/types';
import { ErrorBox, Loading, Section } from '../components/bits';
import { type Series, TimeChart } from '../components/time-chart';
import { count, ms, num, pct, usd } from '../format';
import { useUrlState } from '../url-state';
import { AlertsPanel } from './alerts-panel';
import { DriftPanels } from './drift-panels';

const RANGES: [string, number][] = [
  ['last 24 hours', 86_400_000],
  ['last 7 days', 7 * 86_400_000],
  ['last 30 days', 30 * 86_400_000],
];

const iso = (ms: number) => new Date(ms).toISOString();
const bucketLabel = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const rate = (v: number) => pct(v, 0);

type Numeric = {
  [K in keyof TrafficBucket]: TrafficBucket[K] extends number | null ? K : never;
}[keyof TrafficBucket];

/**
 * The charts, each with its lines (label, bucket field, colour). Defined once, so each chart's
 * `format` is the same function on every render and a chart is redrawn only when the data changes.
 */
const CHARTS: { title: string; format: (v: number) => string; lines: [string, Numeric, string][] }[] = [
  {
    title: 'Volume',
    format: count,
    lines: [
      ['traces', 'traces', '#1d4ed8'],
      ['errors', 'errors', '#b3261e'],
    ],
  },
  {
    title: 'Latency',
    format: ms,
    lines: [
      ['p50', 'latencyP50Ms', '#1d4ed8'],
      ['p95', 'latencyP95Ms', '#8a5300'],
    ],
  },
  { title: 'Error rate', format: rate, lines: [['error rate', 'errorRate', '#b3261e']] },
  { title: 'Cost per trace', format: usd, lines: [['cost per trace', 'costPerTrace', '#137333']] },
  {
    title: 'Tokens',
    format: count,
    lines: [
      ['input tokens', 'inputTokens', '#1d4ed8'],
      ['output tokens', 'outputTokens', '#6b21a8'],
    ],
  },
  {
    title: 'Feedback',
    format: rate,
    lines: [
      ['feedback per trace', 'feedbackRate', '#1d4ed8'],
      ['negative share', 'negativeRate', '#b3261e'],
    ],
  },
  { title: 'Online score', format: num, lines: [['mean online score', 'meanScore', '#137333']] },
];

/** Production traffic over time, sliced by segment, model and prompt version, with drill-down to the traces of a bucket. */
export function MonitoringPage() {
  const [params, update] = useUrlState();
  const navigate = useNavigate();
  const filter = {
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    bucket: params.get('bucket') ?? undefined,
    segment: params.get('segment') ?? undefined,
    model: params.get('model') ?? undefined,
    promptVersion: params.get('promptVersion') ?? undefined,
  };
  const q = useQuery({
    queryKey: ['traffic', filter],
    queryFn: () => api<TrafficSeries>(`/api/v1/metrics/traffic${qs(filter)}`),
    refetchInterval: filter.to ? false : 30_000,
  });
  const data = q.data;
  const charts = useMemo(() => {
    if (!data) return null;
    const b = data.buckets;
    return {
      times: b.map((x) => x.startMs),
      series: CHARTS.map((c) =>
        c.lines.map(([label, key, colour]): Series => ({ label, colour, values: b.map((x) => x[key]) })),
      ),
    };
  }, [data]);
  /** The traces of the bucket starting at `start`, in this page's segment, model and prompt version. */
  const tracesOf = (start: number, width: number) =>
    `/monitoring/traces${qs({
      from: iso(start),
      to: iso(start + width),
      segment: filter.segment,
      model: filter.model,
      promptVersion: filter.promptVersion,
    })}`;
  const drill = (i: number) => {
    const start = data?.buckets[i]?.startMs;
    if (data && start !== undefined) navigate(tracesOf(start, data.bucketMs));
  };
  const now = Date.now();
  return (
    <>
      <h1>Monitoring</h1>
      <p className="lead">
        Production traffic received by <code>assay serve</code>, per time bucket. Click a point of any chart
        (or a row of the table) to see the traces behind it. Below: <a href="#drift-title">drift</a> with the
        traces behind each alert, and the <a href="#correlation-title">offline ↔ online correlation</a>.
      </p>
      <div className="controls">
        <label>
          Range
          <select
            value=""
            onChange={(e) => {
              const span = Number(e.target.value);
              if (span) update({ from: iso(now - span), to: null });
            }}
          >
            <option value="">
              {filter.from
                ? `${filter.from.slice(0, 16)} → ${filter.to?.slice(0, 16) ?? 'now'}`
                : 'last 7 days'}
            </option>
            {RANGES.map(([label, span]) => (
              <option key={label} value={span}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Bucket
          <select value={filter.bucket ?? ''} onChange={(e) => update({ bucket: e.target.value })}>
            <option value="">automatic</option>
            {['5m', '15m', '1h', '6h', '1d'].map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
        <label>
          Segment
          <select value={filter.segment ?? ''} onChange={(e) => update({ segment: e.target.value })}>
            <option value="">all</option>
            {(data?.segments ?? []).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Model
          <select value={filter.model ?? ''} onChange={(e) => update({ model: e.target.value })}>
            <option value="">all</option>
            {(data?.models ?? []).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Prompt version
          <select
            value={filter.promptVersion ?? ''}
            onChange={(e) => update({ promptVersion: e.target.value })}
          >
            <option value="">all</option>
            {(data?.promptVersions ?? []).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      <AlertsPanel
        since={
          filter.from ? `${Math.max(1, Math.ceil((now - Date.parse(filter.from)) / 86_400_000))}d` : '7d'
        }
      />
      {q.isPending ? <Loading what="traffic" /> : null}
      {q.error ? <ErrorBox error={q.error} /> : null}
      {data && charts ? (
        <>
          <div className="charts">
            {CHARTS.map((c, i) => (
              <TimeChart
                key={c.title}
                title={c.title}
                times={charts.times}
                series={charts.series[i]!}
                format={c.format}
                onPick={drill}
              />
            ))}
          </div>
          <Section title="By bucket" id="buckets">
            <div className="table-wrap">
              <table className="data" data-testid="traffic-table">
                <thead>
                  <tr>
                    <th scope="col">Bucket (UTC)</th>
                    <th scope="col" className="num">
                      Traces
                    </th>
                    <th scope="col" className="num">
                      Error rate
                    </th>
                    <th scope="col" className="num">
                      p50 / p95
                    </th>
                    <th scope="col" className="num">
                      Cost / trace
                    </th>
                    <th scope="col" className="num">
                      Tokens in / out
                    </th>
                    <th scope="col" className="num">
                      Feedback (negative)
                    </th>
                    <th scope="col" className="num">
                      Score
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.buckets
                    .filter((b) => b.traces > 0)
                    .map((b) => (
                      <tr key={b.startMs} className={(b.errorRate ?? 0) > 0.2 ? 'row-regressed' : undefined}>
                        <td>
                          <Link to={tracesOf(b.startMs, data.bucketMs)}>{bucketLabel(b.startMs)}</Link>
                        </td>
                        <td className="num">{count(b.traces)}</td>
                        <td className="num">{pct(b.errorRate)}</td>
                        <td className="num">
                          {ms(b.latencyP50Ms)} / {ms(b.latencyP95Ms)}
                        </td>
                        <td className="num">{usd(b.costPerTrace)}</td>
                        <td className="num">
                          {count(b.inputTokens)} / {count(b.outputTokens)}
                        </td>
                        <td className="num">
                          {pct(b.feedbackRate, 0)} ({pct(b.negativeRate, 0)})
                        </td>
                        <td className="num">{num(b.meanScore)}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
            {data.buckets.every((b) => b.traces === 0) ? (
              <p className="muted">No traffic in this range.</p>
            ) : null}
          </Section>
        </>
      ) : null}
      <DriftPanels from={filter.from} to={filter.to} />
    </>
  );
}
