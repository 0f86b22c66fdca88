// biome-ignore-all lint/correctness/noUnusedVariables: a part of the report script; assets.ts joins the parts in one scope.
// Building the page: every value from the data goes in as text (textContent) or as an attribute value,
// never as markup.

function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = String(v);
    // Through the CSSOM: the page's CSP forbids style attributes.
    else if (k === 'style') Object.assign(el.style, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of Array.isArray(children) ? children.flat(Number.POSITIVE_INFINITY) : [children]) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

const $ = (id) => document.getElementById(id);
const pct = (x) => `${(x * 100).toFixed(1)}%`;
const ms = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);
const int = (x) => Number(x).toLocaleString('en-US');
const str = (i) => (typeof i === 'number' && i >= 0 ? S[i] : null);
const plural = (n, word) => `${int(n)} ${word}${n === 1 ? '' : 's'}`;
const msPair = (a, b) =>
  a < 1000 && b < 1000 ? `${Math.round(a)} / ${Math.round(b)} ms` : `${ms(a)} / ${ms(b)}`;
const clip = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

// A summary card: a label, a big value, a line under it; `cls` its tone (good, warn, bad).
function card(label, value, sub, cls) {
  return h(
    'div',
    { class: `card ${cls || ''}` },
    h('div', { class: 'card-label', text: label }),
    h('div', { class: 'card-value', text: value }),
    sub ? h('div', { class: 'card-sub', text: sub }) : null,
  );
}
