// biome-ignore-all lint/correctness/noUnusedVariables: a part of the report script; assets.ts joins the parts in one scope.
// The monitoring report's data, parsed once from the JSON block, and what the sections share.

const data = JSON.parse(document.getElementById('assay-data').textContent);
const S = [];
const day = (iso) => iso.replace('T', ' ').slice(0, data.window % 86400000 === 0 ? 10 : 16);
const labels = data.windows.map((w) => day(w.from));
const windowIndex = new Map(data.windows.map((w, i) => [w.from, i]));
// A window length: 1d, 6h, 30m.
const span = (x) =>
  x % 86400000 === 0
    ? `${x / 86400000}d`
    : x % 3600000 === 0
      ? `${x / 3600000}h`
      : `${Math.round(x / 60000)}m`;
const num = (x, digits = 3) => (typeof x === 'number' ? String(Number(x.toFixed(digits))) : '–');
const pValue = (p) => (typeof p !== 'number' ? '–' : p < 0.0001 ? p.toExponential(1) : num(p, 4));
// Where a segment's name is shown: the whole traffic is `all traffic`.
const segmentName = (s) => (s === undefined || s === 'all' ? 'all traffic' : s);
