// biome-ignore-all lint/correctness/noUnusedVariables: a part of the report script; assets.ts joins the parts in one scope.
// The failure analysis: retrieval vs generation, clusters, strata, evaluators, errors.

function renderAnalysis() {
  const a = data.analysis;
  const root = clear($('analysis'));
  if (!a || (!a.failed && !a.errors.target && !a.errors.evaluator)) {
    append(root, h('p', { class: 'muted', text: 'Nothing failed.' }));
    return;
  }
  if (a.attribution) {
    const { retrieval, generation, attributed, notAttributable } = a.attribution;
    append(root, [
      h('h3', { text: 'Retrieval vs generation' }),
      h(
        'div',
        { class: 'split', id: 'attribution' },
        h(
          'div',
          { class: 'split-retrieval', style: { flexGrow: String(retrieval) } },
          `retrieval ${retrieval} (${pct(retrieval / attributed)})`,
        ),
        h(
          'div',
          { class: 'split-generation', style: { flexGrow: String(generation) } },
          `generation ${generation} (${pct(generation / attributed)})`,
        ),
      ),
      h('p', {
        class: 'muted',
        text: `Of ${attributed} failed answers whose case names its sources: retrieval = an expected source was not retrieved; generation = all were, and the answer is still wrong.${notAttributable ? ` ${plural(notAttributable, 'failure')} had no retrieval information.` : ''}`,
      }),
    ]);
  }
  const groups = a.clusters.groups;
  if (groups.length) {
    const how = a.clusters.method === 'embeddings' ? 'embeddings' : 'TF-IDF of the questions';
    const sil = a.clusters.silhouette === null ? '' : `, silhouette ${a.clusters.silhouette.toFixed(2)}`;
    append(root, [
      h('h3', { text: `Failure clusters (${groups.length}, on ${how}${sil})` }),
      h(
        'div',
        { class: 'clusters', id: 'clusters' },
        groups.map((g, i) =>
          h(
            'div',
            { class: 'cluster' },
            h('div', {
              class: 'cluster-terms',
              text: g.terms.length ? g.terms.join(' · ') : '(no distinctive terms)',
            }),
            h('div', {
              class: 'cluster-size',
              text: `${plural(g.size, 'failure')} · ${plural(g.cases, 'case')}`,
            }),
            h(
              'ul',
              {},
              g.examples.map((e) => h('li', { text: clip(e, 140) })),
            ),
            h(
              'button',
              { type: 'button', onclick: () => setFilter({ cluster: String(i) }, true) },
              'Show in table',
            ),
          ),
        ),
      ),
    ]);
  }
  const tags = a.byTag.filter((t) => t.failed || t.errors).slice(0, 12);
  const evaluators = a.byEvaluator.filter((e) => e.failed || e.errors);
  append(
    root,
    h('div', { class: 'two-col' }, [
      tags.length
        ? h(
            'div',
            {},
            h('h3', { text: 'By stratum' }),
            h(
              'table',
              { class: 'compact' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['stratum', 'failed', 'fail rate', 'errors'].map((t) => h('th', { text: t })),
                ),
              ),
              h(
                'tbody',
                {},
                tags.map((t) =>
                  h(
                    'tr',
                    { class: 'clickable', onclick: () => setFilter({ tag: `${t.key}=${t.value}` }, true) },
                    h('td', { text: `${t.key}=${t.value}` }),
                    h('td', { text: `${t.failed} / ${t.total}` }),
                    h(
                      'td',
                      {},
                      h('span', { class: 'bar', style: { width: `${Math.round(t.failRate * 80)}px` } }),
                      ` ${pct(t.failRate)}`,
                    ),
                    h('td', { text: t.errors }),
                  ),
                ),
              ),
            ),
          )
        : null,
      evaluators.length
        ? h(
            'div',
            {},
            h('h3', { text: 'By evaluator' }),
            h(
              'table',
              { class: 'compact' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['evaluator', 'failed', 'errors', 'most frequent reasons'].map((t) => h('th', { text: t })),
                ),
              ),
              h(
                'tbody',
                {},
                evaluators.map((e) =>
                  h(
                    'tr',
                    { class: 'clickable', onclick: () => setFilter({ evaluator: e.evaluator }, true) },
                    h('td', { text: e.evaluator }),
                    h('td', { text: `${e.failed} / ${e.scored}` }),
                    h('td', { text: e.errors }),
                    h(
                      'td',
                      {},
                      h(
                        'ul',
                        { class: 'reasons' },
                        e.reasons.map((r) => h('li', { text: `${r.count}× ${clip(r.message, 120)}` })),
                      ),
                    ),
                  ),
                ),
              ),
            ),
          )
        : null,
    ]),
  );
  if (a.errors.target || a.errors.evaluator) {
    append(root, [
      h('h3', { text: `Errors: ${a.errors.target} target, ${a.errors.evaluator} evaluator` }),
      h(
        'ul',
        { class: 'reasons' },
        a.errors.messages.map((m) => h('li', { text: `${m.count}× ${clip(m.message, 200)}` })),
      ),
    ]);
  }
}
