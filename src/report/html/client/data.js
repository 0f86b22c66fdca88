// biome-ignore-all lint/correctness/noUnusedVariables: a part of the report script; assets.ts joins the parts in one scope.
// The report's data, parsed once from the JSON block, and the results prepared for filtering.

const data = JSON.parse(document.getElementById('assay-data').textContent);
const S = data.strings;
const PAGE_SIZE = 50;
const STATUS = ['pass', 'fail', 'error'];

const rows = data.rows.map((r, index) => {
  const scores = r.v || [];
  const values = scores.map((s) => s[1]).filter((v) => typeof v === 'number');
  return {
    index,
    caseId: r.i,
    target: data.targets[r.t],
    repeat: r.r || 0,
    tags: r.g || {},
    status: STATUS[r.s],
    latency: r.l || 0,
    raw: r,
    id: `${data.targets[r.t]}/${r.i}${r.r ? `#${r.r}` : ''}`,
    mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null,
    failedBy: new Set(scores.filter((s) => s[2] === 0).map((s) => data.evaluators[s[0]])),
    hay: null,
  };
});
const byId = new Map(rows.map((r) => [r.id, r]));
const clusterOf = new Map();
data.analysis?.clusters.groups.forEach((g, i) => {
  for (const id of g.members) clusterOf.set(id, i);
});

function haystack(r) {
  if (r.hay === null) {
    const raw = r.raw;
    r.hay = [r.caseId, r.target, raw.o || '', str(raw.u) || '', raw.e || '', Object.entries(r.tags).join(' ')]
      .join('\n')
      .toLowerCase();
  }
  return r.hay;
}
