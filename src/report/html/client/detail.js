// biome-ignore-all lint/correctness/noUnusedVariables: a part of the report script; assets.ts joins the parts in one scope.
// The detail view of one result, with a word diff of the output against the expected answer.

// Words with their trailing space, compared without it: the diff then reads as whole phrases.
function wordDiff(a, b) {
  const x = a.match(/\s+|\S+\s*/g) || [];
  const y = b.match(/\s+|\S+\s*/g) || [];
  if ((x.length + 1) * (y.length + 1) > 4e6) return null;
  const xk = x.map((t) => t.trim());
  const yk = y.map((t) => t.trim());
  const m = y.length + 1;
  const lcs = new Uint32Array((x.length + 1) * m);
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      lcs[i * m + j] =
        xk[i] === yk[j] ? lcs[(i + 1) * m + j + 1] + 1 : Math.max(lcs[(i + 1) * m + j], lcs[i * m + j + 1]);
  const ops = [];
  const push = (type, text) => {
    const last = ops[ops.length - 1];
    if (last && last[0] === type) last[1] += text;
    else ops.push([type, text]);
  };
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    if (xk[i] === yk[j]) {
      push('=', y[j]);
      i++;
      j++;
    } else if (lcs[(i + 1) * m + j] >= lcs[i * m + j + 1]) push('-', x[i++]);
    else push('+', y[j++]);
  }
  while (i < x.length) push('-', x[i++]);
  while (j < y.length) push('+', y[j++]);
  return ops;
}

function block(title, content, cls) {
  if (content === null || content === undefined || content === '') return null;
  return h(
    'section',
    { class: 'detail-block' },
    h('h4', { text: title }),
    content instanceof Node ? content : h('pre', { class: cls || '', text: String(content) }),
  );
}

function promptView(p) {
  if (p === undefined || p === null) return null;
  if (typeof p === 'number') return h('pre', { text: str(p) });
  return h(
    'div',
    { class: 'messages' },
    p.map(([role, content]) =>
      h(
        'div',
        { class: `message ${role}` },
        h('div', { class: 'role', text: role }),
        h('pre', { text: str(content) }),
      ),
    ),
  );
}

function diffView(expected, output) {
  if (expected === null || output === undefined) return null;
  const ops = wordDiff(expected, output);
  if (!ops) return h('p', { class: 'muted', text: 'Too long to compare word by word.' });
  return h(
    'pre',
    { class: 'diff' },
    ops.map(([t, text]) => (t === '=' ? text : h(t === '-' ? 'del' : 'ins', { text }))),
  );
}

function scoresView(r) {
  const scores = r.raw.v || [];
  if (!scores.length) return null;
  return h(
    'table',
    { class: 'compact scores' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['evaluator', 'score', 'verdict', 'reason'].map((t) => h('th', { text: t })),
      ),
    ),
    h(
      'tbody',
      {},
      scores.map((s) =>
        h(
          'tr',
          {},
          h('td', { text: data.evaluators[s[0]] }),
          h('td', { class: 'num', text: typeof s[1] === 'number' ? s[1].toFixed(3) : '–' }),
          h('td', {}, badge(s[4] ? 'error' : s[2] === 1 ? 'pass' : s[2] === 0 ? 'fail' : 'n/a')),
          h(
            'td',
            {},
            h('div', { text: s[4] || s[3] || '' }),
            s[5]
              ? h(
                  'details',
                  { class: 'reasoning', open: true },
                  h('summary', { text: "Judge's reasoning" }),
                  h('pre', { text: s[5] }),
                )
              : null,
          ),
        ),
      ),
    ),
  );
}

function contextsView(r) {
  const k = r.raw.k;
  if (!k) return null;
  const note = r.raw.a
    ? h('p', {
        class: `attribution ${r.raw.a}`,
        text:
          r.raw.a === 'retrieval'
            ? `Retrieval failure: expected source not retrieved (${(r.raw.m || []).join(', ')})`
            : 'Generation failure: every expected source was retrieved',
      })
    : null;
  return h(
    'div',
    {},
    note,
    h(
      'ol',
      { class: 'contexts' },
      k.map(([id, text]) =>
        h(
          'li',
          {},
          id !== null ? h('span', { class: 'mono', text: `${id} ` }) : null,
          h('span', { text: clip(str(text) || '', 600) }),
        ),
      ),
    ),
  );
}

let current = null;

function openDetail(r) {
  current = r;
  const raw = r.raw;
  const panel = clear($('detail-body'));
  $('detail-title').textContent = `${r.caseId}${r.repeat ? ` #${r.repeat}` : ''} · ${r.target}`;
  const facts = [
    raw.o !== undefined ? `latency ${ms(r.latency)}` : null,
    typeof raw.c === 'number' ? `cost $${raw.c.toFixed(5)}` : null,
    raw.n ? `tokens ${raw.n[0]} in / ${raw.n[1]} out` : null,
    raw.h ? 'from cache' : null,
  ].filter(Boolean);
  append(panel, [
    h(
      'div',
      { class: 'detail-head' },
      badge(r.status),
      Object.entries(r.tags).map(([k, v]) => h('span', { class: 'tag', text: `${k}=${v}` })),
      h('span', { class: 'muted', text: facts.join(' · ') }),
    ),
    raw.e ? h('p', { class: 'error-text', text: raw.e }) : null,
    block('Scores', scoresView(r)),
    block('Input', str(raw.u)),
    block('Prompt as sent', promptView(raw.p)),
    block('Output', raw.o === undefined ? null : raw.o || '(empty)', 'output'),
    block('Expected', str(raw.x), 'expected'),
    str(raw.x) !== null && raw.o !== undefined
      ? block('Word diff: expected → output', diffView(str(raw.x), raw.o))
      : null,
    block('Retrieved contexts', contextsView(r)),
  ]);
  $('detail').hidden = false;
  document.body.classList.add('modal-open');
  history.replaceState(null, '', `#case=${encodeURIComponent(r.id)}`);
  $('detail-close').focus();
}

function closeDetail() {
  $('detail').hidden = true;
  document.body.classList.remove('modal-open');
  history.replaceState(null, '', location.pathname + location.search);
  const row = current && document.querySelector(`tr[data-id="${CSS.escape(current.id)}"]`);
  if (row) row.focus();
  current = null;
}

function step(delta) {
  if (!current) return;
  const i = filtered.indexOf(current);
  const next = filtered[i + delta];
  if (next) openDetail(next);
}

function renderDetailControls() {
  $('detail-close').addEventListener('click', closeDetail);
  $('detail-prev').addEventListener('click', () => step(-1));
  $('detail-next').addEventListener('click', () => step(1));
  $('detail').addEventListener('click', (e) => e.target === $('detail') && closeDetail());
  document.addEventListener('keydown', (e) => {
    if ($('detail').hidden) return;
    if (e.key === 'Escape') closeDetail();
    else if (e.key === 'ArrowLeft') step(-1);
    else if (e.key === 'ArrowRight') step(1);
  });
}

function openFromHash() {
  const m = /^#case=(.+)$/.exec(location.hash);
  if (!m) return;
  let id;
  try {
    id = decodeURIComponent(m[1]);
  } catch {
    return;
  }
  const r = byId.get(id);
  if (r) openDetail(r);
}
