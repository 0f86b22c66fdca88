// biome-ignore-all lint/correctness/noUnusedVariables: a part of the report script; assets.ts joins the parts in one scope.
// The results table: filters, search, sorting and pages of 50, so 10,000 results stay fast.

const state = {
  search: '',
  target: '',
  tag: '',
  evaluator: '',
  status: '',
  cluster: '',
  sort: 'index',
  dir: 1,
  page: 0,
};
let filtered = rows;

function options(select, entries) {
  append(
    select,
    entries.map(([value, label]) => h('option', { value, text: label })),
  );
}

function renderControls() {
  options($('filter-target'), [['', 'all targets'], ...data.targets.map((t) => [t, t])]);
  const tagEntries = [];
  for (const [k, vs] of Object.entries(data.tags))
    for (const v of vs) tagEntries.push([`${k}=${v}`, `${k}=${v}`]);
  options($('filter-tag'), [['', 'all tags'], ...tagEntries]);
  options($('filter-evaluator'), [['', 'any evaluator'], ...data.evaluators.map((e) => [e, `failed: ${e}`])]);
  options($('filter-status'), [
    ['', 'any status'],
    ['pass', 'passed'],
    ['fail', 'failed'],
    ['error', 'error'],
  ]);
  const groups = data.analysis?.clusters.groups || [];
  options($('filter-cluster'), [
    ['', 'any cluster'],
    ...groups.map((g, i) => [String(i), `cluster ${i + 1}: ${clip(g.terms.join(', ') || '–', 40)}`]),
  ]);
  for (const key of ['target', 'tag', 'evaluator', 'status', 'cluster']) {
    $(`filter-${key}`).addEventListener('change', (e) => setFilter({ [key]: e.target.value }));
  }
  let timer = 0;
  $('filter-search').addEventListener('input', (e) => {
    clearTimeout(timer);
    timer = setTimeout(() => setFilter({ search: e.target.value }), 120);
  });
  $('filter-reset').addEventListener('click', () => {
    $('filter-search').value = '';
    setFilter({ search: '', target: '', tag: '', evaluator: '', status: '', cluster: '' });
  });
  $('page-prev').addEventListener('click', () => goPage(state.page - 1));
  $('page-next').addEventListener('click', () => goPage(state.page + 1));
  for (const th of document.querySelectorAll('#results th[data-sort]')) {
    th.addEventListener('click', () => {
      const key = th.getAttribute('data-sort');
      state.dir = state.sort === key ? -state.dir : 1;
      state.sort = key;
      applyFilters();
    });
  }
}

function setFilter(patch, scroll) {
  Object.assign(state, patch);
  for (const key of ['target', 'tag', 'evaluator', 'status', 'cluster'])
    $(`filter-${key}`).value = state[key];
  applyFilters();
  if (scroll) $('table-section').scrollIntoView({ block: 'start' });
}

function compare(a, b) {
  const k = state.sort;
  let x;
  let y;
  if (k === 'case') [x, y] = [a.caseId, b.caseId];
  else if (k === 'target') [x, y] = [a.target, b.target];
  else if (k === 'status') [x, y] = [a.raw.s, b.raw.s];
  else if (k === 'score') [x, y] = [a.mean ?? -1, b.mean ?? -1];
  else if (k === 'latency') [x, y] = [a.latency, b.latency];
  else [x, y] = [a.index, b.index];
  return (x < y ? -1 : x > y ? 1 : a.index - b.index) * state.dir;
}

function applyFilters() {
  const q = state.search.trim().toLowerCase();
  const [tagKey, tagValue] = state.tag
    ? [state.tag.slice(0, state.tag.indexOf('=')), state.tag.slice(state.tag.indexOf('=') + 1)]
    : [];
  const cluster = state.cluster === '' ? null : Number(state.cluster);
  filtered = rows.filter(
    (r) =>
      (!state.target || r.target === state.target) &&
      (!state.tag || r.tags[tagKey] === tagValue) &&
      (!state.evaluator || r.failedBy.has(state.evaluator)) &&
      (!state.status || r.status === state.status) &&
      (cluster === null || clusterOf.get(r.id) === cluster) &&
      (!q || haystack(r).includes(q)),
  );
  if (state.sort !== 'index' || state.dir !== 1) filtered.sort(compare);
  for (const th of document.querySelectorAll('#results th[data-sort]')) {
    const key = th.getAttribute('data-sort');
    th.setAttribute('aria-sort', key === state.sort ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
  }
  state.page = 0;
  renderPage();
}

function goPage(page) {
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  state.page = Math.max(0, Math.min(pages - 1, page));
  renderPage();
}

function badge(status) {
  return h('span', { class: `badge ${status}`, text: status });
}

function scoreChips(r) {
  return (r.raw.v || []).map((s) => {
    const name = data.evaluators[s[0]];
    const cls = s[4] ? 'error' : s[2] === 1 ? 'pass' : s[2] === 0 ? 'fail' : 'na';
    const value = typeof s[1] === 'number' ? ` ${s[1].toFixed(2)}` : '';
    return h('span', { class: `chip ${cls}`, title: s[4] || s[3] || '' }, `${name}${value}`);
  });
}

function renderPage() {
  const body = clear($('results-body'));
  const start = state.page * PAGE_SIZE;
  const page = filtered.slice(start, start + PAGE_SIZE);
  for (const r of page) {
    body.append(
      h(
        'tr',
        {
          class: 'clickable',
          'data-id': r.id,
          tabindex: 0,
          onclick: () => openDetail(r),
          onkeydown: (e) => e.key === 'Enter' && openDetail(r),
        },
        h('td', { class: 'mono', text: r.caseId + (r.repeat ? ` #${r.repeat}` : '') }),
        h('td', { text: r.target }),
        h(
          'td',
          { class: 'tags' },
          Object.entries(r.tags).map(([k, v]) => h('span', { class: 'tag', text: `${k}=${v}` })),
        ),
        h('td', {}, badge(r.status)),
        h('td', { class: 'chips' }, scoreChips(r)),
        h('td', { class: 'num', text: r.raw.o === undefined && r.raw.s === 2 ? '–' : ms(r.latency) }),
        h('td', { class: 'output', text: clip(r.raw.o ?? r.raw.e ?? '', 160) }),
      ),
    );
  }
  if (!page.length)
    body.append(
      h('tr', {}, h('td', { colspan: 7, class: 'muted', text: 'No result matches these filters.' })),
    );
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  $('result-count').textContent = `${int(filtered.length)} of ${int(rows.length)} results`;
  $('page-info').textContent = `page ${state.page + 1} of ${pages}`;
  $('page-prev').disabled = state.page === 0;
  $('page-next').disabled = state.page >= pages - 1;
}
