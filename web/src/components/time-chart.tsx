import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface Series {
  label: string;
  values: (number | null)[];
  colour: string;
}

/**
 * A time-series line chart (uPlot: fast on long series, no inline markup). Clicking a point calls
 * `onPick` with its bucket index, for drill-down. The same numbers are in the table below each chart
 * group, for keyboard and screen-reader users.
 */
export function TimeChart(props: {
  title: string;
  times: number[];
  series: Series[];
  format?: (v: number) => string;
  onPick?: (index: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const pick = useRef(props.onPick);
  pick.current = props.onPick;
  const { times, series, format, title } = props;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const fmt = format ?? ((v: number) => String(v));
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: 200,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [{}, { values: (_u, ticks) => ticks.map((t) => fmt(t)), size: 70 }],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.colour,
          width: 2,
          points: { show: times.length < 60 },
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : fmt(v)),
        })),
      ],
    };
    const data = [times.map((t) => t / 1000), ...series.map((s) => s.values)] as uPlot.AlignedData;
    const plot = new uPlot(opts, data, el);
    const over = plot.over;
    const onClick = () => {
      const idx = plot.cursor.idx;
      if (idx !== null && idx !== undefined) pick.current?.(idx);
    };
    over.addEventListener('click', onClick);
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(280, el.clientWidth), height: 200 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      over.removeEventListener('click', onClick);
      plot.destroy();
    };
  }, [times, series, format]);
  return (
    <figure className="chart-figure">
      <figcaption>{title}</figcaption>
      <div
        ref={box}
        className="chart"
        role="img"
        aria-label={`${title}: chart; the numbers are in the table below`}
      />
    </figure>
  );
}
