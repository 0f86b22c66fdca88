// biome-ignore-all lint/correctness/noUnusedVariables: a part of the report script; assets.ts joins the parts in one scope.
// The monitoring report's charts: per-segment time series with alert markers, the correlation band.

// Each series chart: its field in the series points, the alert kinds marked on it, its format.
const SERIES_CHARTS = [
  { id: 'traces', title: 'Traffic (traces per window) · inputs drift', kinds: ['drift.inputs'], fmt: int },
  { id: 'errorRate', title: 'Error rate', kinds: ['drift.metric.error-rate'], fmt: pct },
  { id: 'refusalRate', title: 'Refusal rate', kinds: ['drift.outputs.refusal'], fmt: pct },
  { id: 'thumbsDownRate', title: 'Thumbs-down rate', kinds: ['drift.metric.thumbs-down-rate'], fmt: pct },
  { id: 'onlineScore', title: 'Online score (mean)', kinds: ['drift.metric.online-score'], fmt: num },
  { id: 'latencyP95', title: 'Latency p95', kinds: ['drift.metric.latency-p95'], fmt: ms },
];

const charts = [];

function chartBox(parent, id, title, label) {
  const canvas = h('canvas', { id: `chart-${id}`, role: 'img', 'aria-label': label });
  append(parent, h('div', {}, h('h3', { text: title }), h('div', { class: 'chart-box' }, canvas)));
  return canvas;
}

function seriesCharts() {
  const box = clear($('series'));
  if (!setupCharts(box)) return;
  for (const spec of SERIES_CHARTS) {
    const lines = data.series.filter((s) => s.points.some((p) => p[spec.id] !== null));
    if (!lines.length) continue;
    const datasets = lines.map((s, i) => ({
      label: segmentName(s.segment),
      data: s.points.map((p) => p[spec.id]),
      borderColor: s.segment === 'all' ? '#1f3f8a' : COLORS[(i + 1) % COLORS.length],
      backgroundColor: s.segment === 'all' ? '#1f3f8a' : COLORS[(i + 1) % COLORS.length],
      borderWidth: s.segment === 'all' ? 2.5 : 1.5,
      pointRadius: 0,
      spanGaps: true,
    }));
    // The alerts of this chart's kinds, each on its segment's line at its window.
    const marks = new Array(labels.length).fill(null);
    const notes = new Array(labels.length).fill(null);
    for (const a of data.alerts) {
      if (!spec.kinds.includes(a.kind)) continue;
      const i = windowIndex.get(a.window.from);
      const line = lines.find((s) => s.segment === (a.segment ?? 'all'));
      if (i === undefined || !line) continue;
      marks[i] = line.points[i][spec.id];
      notes[i] = `${notes[i] ? `${notes[i]}; ` : ''}${segmentName(a.segment)}: ${a.message}`;
    }
    datasets.push({
      label: 'alert',
      type: 'line',
      data: marks,
      showLine: false,
      pointStyle: 'triangle',
      pointRadius: 8,
      pointHoverRadius: 10,
      borderColor: '#c62828',
      backgroundColor: '#c62828',
    });
    const canvas = chartBox(box, spec.id, spec.title, `${spec.title} per window and segment, alerts marked`);
    charts.push(
      new Chart(canvas, {
        type: 'line',
        data: { labels, datasets },
        options: {
          interaction: { mode: 'index', intersect: false },
          scales: { y: { beginAtZero: true, ticks: { callback: (v) => spec.fmt(v) } } },
          plugins: {
            legend: { position: 'bottom' },
            tooltip: {
              callbacks: {
                label: (c) =>
                  c.dataset.label === 'alert'
                    ? `alert: ${clip(notes[c.dataIndex] || '', 160)}`
                    : `${c.dataset.label}: ${spec.fmt(c.parsed.y)}`,
              },
            },
          },
        },
      }),
    );
  }
}

// Rho per window end with its 95% interval as a band, the threshold as a dashed line, alerts in red.
function correlationChart(parent, windows) {
  if (typeof Chart === 'undefined') return;
  const points = windows.filter((w) => !w.segment);
  const shown = points.length ? points : windows;
  const xs = shown.map((w) => day(w.to));
  const canvas = chartBox(
    parent,
    'correlation',
    "Spearman's rho per window, 95% interval and threshold",
    'Rolling offline-online Spearman correlation with its interval and the alert threshold',
  );
  charts.push(
    new Chart(canvas, {
      type: 'line',
      data: {
        labels: xs,
        datasets: [
          { label: '95% interval (low)', data: shown.map((w) => w.lo), borderWidth: 0, pointRadius: 0 },
          {
            label: '95% interval',
            data: shown.map((w) => w.hi),
            borderWidth: 0,
            pointRadius: 0,
            fill: '-1',
            backgroundColor: 'rgba(59, 111, 216, 0.18)',
          },
          {
            label: 'rho',
            data: shown.map((w) => w.rho),
            borderColor: '#1f3f8a',
            backgroundColor: shown.map((w) => (w.alert ? '#c62828' : '#1f3f8a')),
            pointRadius: shown.map((w) => (w.alert ? 6 : 3)),
            pointStyle: shown.map((w) => (w.alert ? 'triangle' : 'circle')),
          },
          {
            label: `threshold (alert when the interval is under ${data.threshold})`,
            data: shown.map(() => data.threshold),
            borderColor: '#c62828',
            borderDash: [6, 4],
            pointRadius: 0,
          },
        ],
      },
      options: {
        scales: { y: { min: -1, max: 1 } },
        plugins: {
          legend: { position: 'bottom', labels: { filter: (item) => item.text !== '95% interval (low)' } },
          tooltip: {
            callbacks: {
              label: (c) => {
                const w = shown[c.dataIndex];
                return c.dataset.label === 'rho'
                  ? `rho ${num(w.rho, 2)} [${num(w.lo, 2)}, ${num(w.hi, 2)}] · ${w.verdict}`
                  : `${c.dataset.label}: ${num(c.parsed.y, 2)}`;
              },
            },
          },
        },
      },
    }),
  );
}
