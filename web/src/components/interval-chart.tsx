import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

/**
 * An estimate over time with its interval as a shaded band and a threshold as a dashed line (uPlot,
 * drawn on a canvas: nothing inline under the CSP). Clicking a point calls `onPick` with its index.
 * The same numbers are in the table beside the chart, for keyboard and screen-reader users.
 */
export function IntervalChart(props: {
  title: string;
  label: string;
  times: number[];
  estimate: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
  threshold: number;
  thresholdLabel: string;
  range: [number, number];
  onPick?: (index: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const pick = useRef(props.onPick);
  pick.current = props.onPick;
  const { times, estimate, lo, hi, threshold, label, thresholdLabel, range, title } = props;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const fmt = (v: number | null) => (v === null ? '–' : v.toFixed(2));
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: 220,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: () => range } },
      series: [
        {},
        { label, stroke: '#1d4ed8', width: 2, points: { show: true, size: 6 }, value: (_u, v) => fmt(v) },
        { label: '95% low', stroke: '#8fb0ea', width: 1, points: { show: false }, value: (_u, v) => fmt(v) },
        { label: '95% high', stroke: '#8fb0ea', width: 1, points: { show: false }, value: (_u, v) => fmt(v) },
        {
          label: thresholdLabel,
          stroke: '#b3261e',
          width: 2,
          dash: [8, 5],
          points: { show: false },
          value: (_u, v) => fmt(v),
        },
      ],
      bands: [{ series: [3, 2], fill: 'rgba(29, 78, 216, 0.15)' }],
    };
    const data = [
      times.map((t) => t / 1000),
      estimate,
      lo,
      hi,
      times.map(() => threshold),
    ] as uPlot.AlignedData;
    const plot = new uPlot(opts, data, el);
    const onClick = () => {
      const idx = plot.cursor.idx;
      if (idx !== null && idx !== undefined) pick.current?.(idx);
    };
    plot.over.addEventListener('click', onClick);
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(280, el.clientWidth), height: 220 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.over.removeEventListener('click', onClick);
      plot.destroy();
    };
  }, [times, estimate, lo, hi, threshold, label, thresholdLabel, range]);
  return (
    <figure className="chart-figure">
      <figcaption>{title}</figcaption>
      <div
        ref={box}
        className="chart"
        role="img"
        aria-label={`${title}: chart of ${label} with its 95% interval and the line at ${threshold}; the numbers are in the table`}
      />
    </figure>
  );
}
