// biome-ignore-all lint/correctness/noUnusedVariables: a part of the report script; assets.ts joins the parts in one scope.
// The monitoring report's header, cards, alert list, drift details and correlation section.

function renderHeader() {
  document.title = `Assay monitoring · ${data.project}`;
  append(clear($('report-title')), `Monitoring · ${data.project}`);
  const tested = data.windows.filter((w) => w.status === 'tested').length;
  append(
    clear($('report-meta')),
    [
      `${day(data.from)} → ${day(data.to)}`,
      `${plural(data.windows.length, 'window')} of ${span(data.window)} (${int(tested)} tested)`,
      `drift alerts at a family-wise α of ${data.alpha} per window (Holm)`,
      `generated ${data.generatedAt.replace('T', ' ').slice(0, 19)} UTC`,
    ].join(' · '),
  );
}

function renderCards() {
  const traces = data.windows.reduce((a, w) => a + w.traces, 0);
  const kinds = new Map();
  for (const a of data.alerts) kinds.set(a.kind, (kinds.get(a.kind) || 0) + 1);
  const last = data.correlation.filter((w) => !w.segment).at(-1);
  append(clear($('cards')), [
    card('Traces', int(traces), plural(data.windows.length, 'window')),
    card(
      'Alerts',
      int(data.alerts.length),
      [...kinds].map(([k, n]) => `${k} ×${n}`).join(' · ') || 'none',
      data.alerts.length ? 'bad' : 'good',
    ),
    card(
      'Offline ↔ online',
      last && last.rho !== null ? `rho ${num(last.rho, 2)}` : '–',
      last ? last.verdict : 'no correlation configured or too few periods',
      last?.alert ? 'bad' : '',
    ),
  ]);
}

function renderAlerts() {
  const box = clear($('alerts'));
  if (!data.alerts.length) {
    append(box, h('p', { class: 'muted', text: 'No alert in this range.' }));
    return;
  }
  append(
    box,
    h(
      'table',
      { id: 'alert-table', class: 'compact' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Window', 'Kind', 'Segment', 'p (Holm)', 'Message'].map((t) => h('th', { text: t })),
        ),
      ),
      h(
        'tbody',
        {},
        data.alerts.map((a) =>
          h(
            'tr',
            { 'data-kind': a.kind },
            h('td', { text: day(a.window.from) }),
            h('td', { text: a.kind }),
            h('td', { text: segmentName(a.segment) }),
            h('td', { class: 'num', text: pValue(a.p) }),
            h('td', { text: a.message }),
          ),
        ),
      ),
    ),
  );
}

// One test that fired: its figures and the traffic behind it (input clusters or example answers).
function driftTest(w, t, open) {
  const clusters = t.details?.clusters || [];
  const examples = t.details?.examples || [];
  return h(
    'details',
    { class: 'drift-test', open, 'data-kind': t.kind },
    h('summary', {}, `${day(w.from)} · ${t.kind}${t.segment ? ` · ${t.segment}` : ''} — ${t.message}`),
    h(
      'p',
      { class: 'muted' },
      `${t.test}: statistic ${num(t.statistic, 4)}, p ${pValue(t.p)}, Holm-adjusted p ${pValue(t.adjustedP)}`,
      t.effect !== undefined ? `, ${t.effectName || 'effect'} ${num(t.effect, 4)}` : '',
    ),
    clusters.map((c) =>
      h(
        'div',
        { class: 'cluster' },
        h(
          'div',
          { class: 'cluster-terms' },
          `${c.change > 0 ? 'grew' : 'shrank'}: ${pct(c.referenceShare)} → ${pct(c.currentShare)} of inputs`,
        ),
        h(
          'ul',
          { class: 'examples' },
          (c.examples || []).map((e) => h('li', {}, h('pre', { class: 'example-input', text: e }))),
        ),
      ),
    ),
    examples.length
      ? h(
          'ul',
          { class: 'examples' },
          examples.map((e) =>
            h(
              'li',
              {},
              h('pre', { class: 'example-input', text: e.input }),
              h('pre', { class: 'example-output', text: e.output }),
            ),
          ),
        )
      : null,
  );
}

function renderDrift() {
  const box = clear($('drift'));
  // The first window of each kind and segment opens; the later ones are one line each until clicked.
  const seen = new Set();
  const fired = data.windows.flatMap((w) =>
    w.tests
      .filter((t) => t.alert)
      .map((t) => {
        const key = `${t.kind}|${t.segment || ''}`;
        const first = !seen.has(key);
        seen.add(key);
        return driftTest(w, t, first);
      }),
  );
  if (!fired.length) {
    append(box, h('p', { class: 'muted', text: 'No drift test fired in this range.' }));
    return;
  }
  append(box, fired);
}

function renderCorrelation() {
  const box = clear($('correlation'));
  if (data.threshold === null) {
    append(
      box,
      h('p', { class: 'muted', text: 'No correlation: the monitor config has no correlation: section.' }),
    );
    return;
  }
  if (!data.correlation.length) {
    append(
      box,
      h('p', {
        class: 'muted',
        text: 'No correlation window yet: too few periods with both an offline run and online feedback.',
      }),
    );
  } else {
    correlationChart(box, data.correlation);
    append(
      box,
      h(
        'table',
        { id: 'correlation-table', class: 'compact' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Periods', 'Segment', 'n', 'rho', '95% interval', 'Verdict'].map((t) => h('th', { text: t })),
          ),
        ),
        h(
          'tbody',
          {},
          data.correlation.map((w) =>
            h(
              'tr',
              { class: w.alert ? 'bad' : '' },
              h('td', { text: `${day(w.from)} → ${day(w.to)}` }),
              h('td', { text: segmentName(w.segment) }),
              h('td', { class: 'num', text: int(w.n) }),
              h('td', { class: 'num', text: num(w.rho, 2) }),
              h('td', { class: 'num', text: w.lo === null ? '–' : `[${num(w.lo, 2)}, ${num(w.hi, 2)}]` }),
              h('td', { text: w.verdict }),
            ),
          ),
        ),
      ),
    );
  }
  if (data.predictors.length) {
    append(
      box,
      h('h3', { text: 'Which offline metrics predict the online one' }),
      h(
        'table',
        { id: 'predictor-table', class: 'compact' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Offline', 'n', 'rho', '95% interval'].map((t) => h('th', { text: t })),
          ),
        ),
        h(
          'tbody',
          {},
          data.predictors.map((p) =>
            h(
              'tr',
              {},
              h('td', { text: p.offline }),
              h('td', { class: 'num', text: int(p.n) }),
              h('td', { class: 'num', text: num(p.rho, 2) }),
              h('td', { class: 'num', text: p.lo === null ? '–' : `[${num(p.lo, 2)}, ${num(p.hi, 2)}]` }),
            ),
          ),
        ),
      ),
    );
  }
}
