// biome-ignore-all lint/correctness/noUnusedVariables: a part of the report script; assets.ts joins the parts in one scope.
// The header, the summary cards and the gates.

function renderHeader() {
  const run = data.run;
  document.title = `Assay report · ${run.id}`;
  append(clear($('run-title')), [`Run ${run.id}`, run.description ? ` — ${run.description}` : '']);
  const meta = [
    `${run.dataset.name}@${run.dataset.version.slice(0, 12)}`,
    run.status,
    `created ${run.createdAt.replace('T', ' ').slice(0, 19)} UTC`,
    run.gitCommit ? `git ${run.gitCommit.slice(0, 10)}${run.gitDirty ? ' (dirty)' : ''}` : null,
    `targets: ${data.targets.join(', ')}`,
  ].filter(Boolean);
  append(clear($('run-meta')), meta.join(' · '));
}

function renderCards() {
  const s = data.summary;
  const judged = s.passed + s.failed;
  const ci = s.interval ? `95% CI ${pct(s.interval[0])}–${pct(s.interval[1])}` : '';
  append(clear($('cards')), [
    card('Pass rate', judged ? pct(s.passRate) : '–', ci, data.tone.passRate),
    card(
      'Passed / judged',
      `${int(s.passed)} / ${int(judged)}`,
      `${int(s.failed)} failed · ${int(s.total)} results`,
    ),
    card('Errors', int(s.errors), s.errors ? 'target or evaluator failed' : 'none', s.errors ? 'warn' : ''),
    card(
      'Latency p50 / p95',
      msPair(s.latencyMs.p50, s.latencyMs.p95),
      `p99 ${ms(s.latencyMs.p99)} · max ${ms(s.latencyMs.max)}`,
    ),
    card('Cost', `$${s.costUsd.toFixed(4)}`, s.cached ? `${int(s.cached)} answers from cache` : ''),
    card('Tokens', int(s.tokens.total), `${int(s.tokens.input)} in · ${int(s.tokens.output)} out`),
  ]);
  const gates = clear($('gates'));
  if (s.gates?.length) {
    append(gates, [
      h('h3', { text: 'Gates' }),
      h(
        'ul',
        { class: 'gates' },
        s.gates.map((g) => h('li', { class: g.pass ? 'good' : 'bad' }, `${g.pass ? '✔' : '✘'} ${g.message}`)),
      ),
    ]);
  }
}
