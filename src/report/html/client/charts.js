// biome-ignore-all lint/correctness/noUnusedVariables: a part of the report script; assets.ts joins the parts in one scope.
// The charts, drawn with Chart.js (inlined before this script).

// Draws each bar's 95% interval as a whisker; Chart.js has no error bars of its own.
const whiskers = {
  id: 'assayWhiskers',
  afterDatasetsDraw(chart) {
    const intervals = chart.options.plugins.assayWhiskers?.intervals;
    if (!intervals) return;
    const { ctx } = chart;
    const x = chart.scales.x;
    const meta = chart.getDatasetMeta(0);
    ctx.save();
    ctx.strokeStyle = '#222';
    ctx.lineWidth = 1.5;
    meta.data.forEach((bar, i) => {
      const iv = intervals[i];
      if (!iv) return;
      const lo = x.getPixelForValue(iv[0] * 100);
      const hi = x.getPixelForValue(iv[1] * 100);
      const y = bar.y;
      const cap = Math.min(6, (bar.height || 12) / 3);
      ctx.beginPath();
      ctx.moveTo(lo, y);
      ctx.lineTo(hi, y);
      ctx.moveTo(lo, y - cap);
      ctx.lineTo(lo, y + cap);
      ctx.moveTo(hi, y - cap);
      ctx.lineTo(hi, y + cap);
      ctx.stroke();
    });
    ctx.restore();
  },
};

const charts = [];

function renderCharts() {
  if (!setupCharts($('charts'))) return;
  strataChart();
  scoresChart();
  latencyChart();
}

function strataChart() {
  const s = data.summary;
  const labels = [];
  const values = [];
  const intervals = [];
  const counts = [];
  const add = (label, r) => {
    const judged = r.passed + r.failed;
    if (!judged) return;
    labels.push(label);
    values.push(r.passRate * 100);
    intervals.push(r.interval || null);
    counts.push(judged);
  };
  add('overall', s);
  if (Object.keys(s.byTarget).length > 1)
    for (const [t, r] of Object.entries(s.byTarget)) add(`target: ${t}`, r);
  for (const [k, vs] of Object.entries(s.byTag)) for (const [v, r] of Object.entries(vs)) add(`${k}=${v}`, r);
  const box = $('chart-strata-box');
  box.style.height = `${Math.max(160, 28 * labels.length + 60)}px`;
  charts.push(
    new Chart($('chart-strata'), {
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            label: 'pass rate %',
            data: values,
            backgroundColor: labels.map((l) => (l === 'overall' ? '#1f3f8a' : '#6f95e6')),
          },
        ],
      },
      options: {
        indexAxis: 'y',
        scales: {
          x: {
            min: 0,
            max: 100,
            title: { display: true, text: 'pass rate % (whiskers: 95% Wilson interval)' },
          },
        },
        plugins: {
          legend: { display: false },
          assayWhiskers: { intervals },
          tooltip: {
            callbacks: {
              label: (c) => {
                const iv = intervals[c.dataIndex];
                return `${c.parsed.x.toFixed(1)}% of ${counts[c.dataIndex]}${iv ? ` (95% CI ${pct(iv[0])}–${pct(iv[1])})` : ''}`;
              },
            },
          },
        },
      },
      plugins: [whiskers],
    }),
  );
}

function scoresChart() {
  const bins = 10;
  const counts = data.evaluators.map(() => new Array(bins).fill(0));
  for (const r of rows) {
    for (const s of r.raw.v || []) {
      if (typeof s[1] !== 'number') continue;
      counts[s[0]][Math.min(bins - 1, Math.floor(s[1] * bins))]++;
    }
  }
  const datasets = data.evaluators
    .map((name, i) => ({ label: name, data: counts[i], backgroundColor: COLORS[i % COLORS.length] }))
    .filter((d) => d.data.some((c) => c > 0));
  if (!datasets.length) {
    append(clear($('chart-scores-box')), h('p', { class: 'muted', text: 'No scores to show.' }));
    return;
  }
  const labels = counts[0].map((_, i) => `${(i / bins).toFixed(1)}–${((i + 1) / bins).toFixed(1)}`);
  charts.push(
    new Chart($('chart-scores'), {
      type: 'bar',
      data: { labels, datasets },
      options: {
        scales: {
          x: { title: { display: true, text: 'score' } },
          y: { title: { display: true, text: 'results' }, beginAtZero: true },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    }),
  );
}

function latencyChart() {
  const values = rows
    .filter((r) => r.raw.s !== 2 || r.raw.o !== undefined)
    .map((r) => r.latency)
    .sort((a, b) => a - b);
  if (!values.length) {
    append(clear($('chart-latency-box')), h('p', { class: 'muted', text: 'No latencies to show.' }));
    return;
  }
  // Bins up to the 99th percentile, the rest in one overflow bin, so one slow outlier does not flatten the chart.
  const top = values[Math.min(values.length - 1, Math.floor(values.length * 0.99))] || 1;
  const bins = 20;
  const width = Math.max(1, top) / bins;
  const counts = new Array(bins + 1).fill(0);
  for (const v of values) counts[v > top ? bins : Math.min(bins - 1, Math.floor(v / width))]++;
  // Narrow bins need a decimal, or neighbouring labels read the same.
  const edge = (x) => (width < 10 ? `${x.toFixed(1)} ms` : ms(x));
  const labels = counts.map((_, i) => (i === bins ? `> ${edge(top)}` : edge(i * width)));
  if (!counts[bins]) {
    counts.pop();
    labels.pop();
  }
  charts.push(
    new Chart($('chart-latency'), {
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            label: 'results',
            data: counts,
            backgroundColor: '#2e9e6b',
            barPercentage: 1,
            categoryPercentage: 1,
          },
        ],
      },
      options: {
        scales: {
          x: { title: { display: true, text: 'latency (bin start)' } },
          y: { beginAtZero: true, title: { display: true, text: 'results' } },
        },
        plugins: { legend: { display: false } },
      },
    }),
  );
}
