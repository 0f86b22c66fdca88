import { useMemo } from 'react';
import { type Series, TimeChart } from '../components/time-chart';
import { num, pct, usd } from '../format';
import type { KindRow } from './drift-panels';

const share = (v: number) => pct(v, 1);
const FORMATS: Record<string, (v: number) => string> = {
  'drift.metric.cost-per-query': usd,
  'drift.metric.online-score': num,
};
const TITLES: Record<string, string> = {
  'drift.metric.online-score': 'Online score',
  'drift.metric.thumbs-down-rate': 'Thumbs-down rate',
  'drift.metric.rephrase-rate': 'Rephrase rate',
  'drift.metric.latency-p95': 'Share slower than the reference p95',
  'drift.metric.cost-per-query': 'Cost per query',
  'drift.metric.error-rate': 'Error rate',
};

interface Summary {
  mean?: number;
}

/**
 * The metric control charts: per metric, each tested window's value against the reference's (the
 * centre line). The verdicts (EWMA or exact p-chart, Holm-adjusted) are in the tables below; a
 * click on a point opens that window's details there.
 */
export function MetricCharts({ kinds, onPick }: { kinds: [string, KindRow[]][]; onPick(key: string): void }) {
  const charts = useMemo(
    () =>
      kinds.map(([kind, rows]) => {
        const current = rows.map((r) => (r.test.details?.current as Summary | undefined)?.mean ?? null);
        const reference = rows.map((r) => (r.test.details?.reference as Summary | undefined)?.mean ?? null);
        const series: Series[] = [
          { label: 'window', colour: '#1d4ed8', values: current },
          { label: 'reference', colour: '#5b6470', values: reference },
        ];
        const t = rows[0]!.test;
        const title = `${TITLES[t.kind] ?? t.kind} per window${t.segment ? `, segment ${t.segment}` : ''}`;
        return {
          id: kind,
          kind: t.kind,
          title,
          rows,
          times: rows.map((r) => Date.parse(r.window.from)),
          series,
        };
      }),
    [kinds],
  );
  return (
    <div className="charts">
      {charts.map((c) => (
        <TimeChart
          key={c.id}
          title={c.title}
          times={c.times}
          series={c.series}
          format={FORMATS[c.kind] ?? share}
          onPick={(i) => {
            const r = c.rows[i];
            if (r) onPick(`${c.id}@${r.window.from}`);
          }}
        />
      ))}
    </div>
  );
}
