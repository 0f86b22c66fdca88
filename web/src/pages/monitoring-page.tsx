import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, qs } from '../api/client';
import type { TrafficSeries } from '../api/types';
import { ErrorBox, Loading, Section } from '../components/bits';
import { type Series, TimeChart } from '../components/time-chart';
import { count, ms, num, pct, usd } from '../format';
import { useUrlState } from '../url-state';
import { AlertsPanel } from './alerts-panel';

const RANGES: [string, number][] = [
  ['last 24 hours', 86_400_000],
  ['last 7 days', 7 * 86_400_000],
  ['last 30 days', 30 * 86_400_000],
];

const iso = (ms: number) => new Date(ms).toISOString();
const bucketLabel = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** Production traffic over time, sliced by segment and model, with drill-down to the traces of a bucket. */
export function MonitoringPage() {
  const [params, update] = useUrlState();
  const navigate = useNavigate();
  const filter = {
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    bucket: params.get('bucket') ?? undefined,
    segment: params.get('segment') ?? undefined,
    model: params.get('model') ?? undefined,
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
    const col = <K extends keyof (typeof b)[number]>(k: K) => b.map((x) => x[k] as number | null);
    const line = (label: string, values: (number | null)[], colour: string): Series => ({
      label,
      values,
      colour,
    });
    return {
      times: b.map((x) => x.startMs),
      volume: [line('traces', col('traces'), '#1d4ed8'), line('errors', col('errors'), '#b3261e')],
      latency: [line('p50', col('latencyP50Ms'), '#1d4ed8'), line('p95', col('latencyP95Ms'), '#8a5300')],
      errorRate: [line('error rate', col('errorRate'), '#b3261e')],
      cost: [line('cost per trace', col('costPerTrace'), '#137333')],
      tokens: [
        line('input tokens', col('inputTokens'), '#1d4ed8'),
        line('output tokens', col('outputTokens'), '#6b21a8'),
      ],
      feedback: [
        line('feedback per trace', col('feedbackRate'), '#1d4ed8'),
        line('negative share', col('negativeRate'), '#b3261e'),
      ],
      score: [line('mean online score', col('meanScore'), '#137333')],
    };
  }, [data]);
  const drill = (i: number) => {
    if (!data) return;
    const start = data.buckets[i]?.startMs;
    if (start === undefined) return;
    navigate(
      `/monitoring/traces${qs({ from: iso(start), to: iso(start + data.bucketMs), segment: filter.segment, model: filter.model })}`,
    );
  };
  const now = Date.now();
  return (
    <>
      <h1>Monitoring</h1>
      <p className="lead">
        Production traffic received by <code>assay serve</code>, per time bucket. Click a point of any chart
        (or a row of the table) to see the traces behind it.
      </p>
      <div className="controls">
        <label>
          Range
          <select
            value={filter.from && !filter.to ? '' : ''}
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
            <TimeChart
              title="Volume"
              times={charts.times}
              series={charts.volume}
              format={(v) => count(v)}
              onPick={drill}
            />
            <TimeChart
              title="Latency"
              times={charts.times}
              series={charts.latency}
              format={(v) => ms(v)}
              onPick={drill}
            />
            <TimeChart
              title="Error rate"
              times={charts.times}
              series={charts.errorRate}
              format={(v) => pct(v, 0)}
              onPick={drill}
            />
            <TimeChart
              title="Cost per trace"
              times={charts.times}
              series={charts.cost}
              format={(v) => usd(v)}
              onPick={drill}
            />
            <TimeChart
              title="Tokens"
              times={charts.times}
              series={charts.tokens}
              format={(v) => count(v)}
              onPick={drill}
            />
            <TimeChart
              title="Feedback"
              times={charts.times}
              series={charts.feedback}
              format={(v) => pct(v, 0)}
              onPick={drill}
            />
            <TimeChart
              title="Online score"
              times={charts.times}
              series={charts.score}
              format={(v) => num(v)}
              onPick={drill}
            />
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
                          <Link
                            to={`/monitoring/traces${qs({ from: iso(b.startMs), to: iso(b.startMs + data.bucketMs), segment: filter.segment, model: filter.model })}`}
                          >
                            {bucketLabel(b.startMs)}
                          </Link>
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
    </>
  );
}
