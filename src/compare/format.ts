import pc from 'picocolors';
import { table } from '../report/table.js';
import { type Comparison, type ComparisonRow, ERROR_METRIC } from './analyze.js';
import type { Side } from './paired-row.js';

/** `x.toFixed(digits)` without the sign of a value that rounds to zero: never `-0.000`. */
function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

// `pass` and `error rate` stay rates with repeats too, where per-case fractions are tested.
const isRate = (r: ComparisonRow) =>
  r.metric === 'pass' || r.metric === ERROR_METRIC || r.test.startsWith('mcnemar');
const fmt = (r: ComparisonRow, x: number) => (isRate(r) ? `${fixed(x * 100, 1)}%` : fixed(x, 3));
const side = (r: ComparisonRow, s: Side | null) =>
  s ? `${fmt(r, s.value)} [${fmt(r, s.interval[0])}, ${fmt(r, s.interval[1])}]` : '–';
const signed = (r: ComparisonRow) => {
  const d = isRate(r) ? `${fixed(r.diff * 100, 1)} pt` : fixed(r.diff, 3);
  return d.startsWith('-') || /^0\.0* /.test(d) || /^0\.0*$/.test(d) ? d : `+${d}`;
};
const pv = (p: number | null) => (p === null ? '–' : p < 0.001 ? '<0.001' : p.toFixed(3));
const ms = (x: number | null) => (x === null ? '–' : `${fixed(x, 0)} ms`);
const usd = (x: number | null) => (x === null ? '–' : `$${fixed(x, 5)}`);
const verdictCell = (r: ComparisonRow) => (r.note ? `${r.verdict} (${r.note})` : r.verdict);

function rowCells(r: ComparisonRow): string[] {
  return [
    r.metric,
    r.stratum,
    String(r.n),
    side(r, r.baseline),
    side(r, r.candidate),
    signed(r),
    r.test,
    pv(r.p),
    pv(r.pAdjusted),
    verdictCell(r),
  ];
}

const HEADER = [
  'metric',
  'stratum',
  'n',
  'baseline (95% CI)',
  'candidate (95% CI)',
  'diff',
  'test',
  'p',
  'p (Holm)',
  'verdict',
];

const list = (xs: string[], max = 20) => `${xs.slice(0, max).join(', ')}${xs.length > max ? ', …' : ''}`;

/** What a reader must know besides the table: overlap, errors, relabelled cases, metrics not compared. */
function notices(c: Comparison): { text: string; severe: boolean }[] {
  const out: { text: string; severe: boolean }[] = [];
  const o = c.overlap;
  if (c.onlyInBaseline.length || c.onlyInCandidate.length)
    out.push({
      text: `Paired ${o.paired} cases: ${fixed(o.share * 100, 0)}% of the smaller run (baseline ${o.baseline}, candidate ${o.candidate}).`,
      severe: false,
    });
  if (c.onlyInBaseline.length)
    out.push({
      text: `Only in baseline (${c.onlyInBaseline.length}): ${list(c.onlyInBaseline)}`,
      severe: false,
    });
  if (c.onlyInCandidate.length)
    out.push({
      text: `Only in candidate (${c.onlyInCandidate.length}): ${list(c.onlyInCandidate)}`,
      severe: false,
    });
  for (const [name, e] of [
    ['baseline', c.errored.baseline],
    ['candidate', c.errored.candidate],
  ] as const) {
    if (e.cases.length)
      out.push({
        text: `Errored in ${name} (${e.cases.length} cases, ${e.tries} tries; counted as failures of pass): ${list(e.cases)}`,
        severe: name === 'candidate',
      });
  }
  if (c.tagChanges.length) {
    const shown = c.tagChanges
      .slice(0, 10)
      .map((t) => `${t.case} ${t.tag}: ${t.baseline ?? '(none)'} → ${t.candidate ?? '(none)'}`);
    out.push({
      text: `Tags changed between runs (${c.tagChanges.length}; those cases are left out of that tag's strata): ${shown.join('; ')}${c.tagChanges.length > 10 ? '; …' : ''}`,
      severe: false,
    });
  }
  if (c.metricsOnlyInBaseline.length || c.metricsOnlyInCandidate.length)
    out.push({ text: metricsOnlyLine(c), severe: false });
  return out;
}

function headline(c: Comparison): string {
  if (c.candidateAllErrored)
    return `The candidate errored on every case (${c.errored.candidate.cases.length}): it is counted as a regression.`;
  return c.regressions.length
    ? `Regressed: ${c.regressions.map((r) => `${r.metric} on ${r.stratum}`).join('; ')}`
    : 'No significant regression.';
}

const latencyLine = (c: Comparison, sep: string) =>
  `Latency p50 ${ms(c.operational.baseline.p50)} → ${ms(c.operational.candidate.p50)}${sep} p95 ${ms(c.operational.baseline.p95)} → ${ms(c.operational.candidate.p95)}${sep === ',' ? ';' : ' ·'} cost per case ${usd(c.operational.baseline.costPerCase)} → ${usd(c.operational.candidate.costPerCase)}`;

/** The comparison as a terminal table, regressions in red. */
export function formatComparison(c: Comparison, options: { color?: boolean } = {}): string {
  const col = pc.createColors(options.color ?? false);
  const paint = (r: ComparisonRow, cells: string[]) =>
    r.verdict === 'regressed'
      ? cells.map((x) => col.red(x))
      : r.verdict === 'improved'
        ? cells.map((x) => col.green(x))
        : cells;
  const lines = [
    `${col.bold('Baseline')} ${c.baseline.label}  →  ${col.bold('candidate')} ${c.candidate.label}  (α = ${c.alpha}, Holm over ${c.rows.filter((r) => r.p !== null).length} tests)`,
    '',
    table(
      [HEADER, ...c.rows.map((r) => paint(r, rowCells(r)))],
      ['l', 'l', 'r', 'r', 'r', 'r', 'l', 'r', 'r', 'l'],
    ),
    '',
    latencyLine(c, ' ·'),
  ];
  for (const n of notices(c)) lines.push(n.severe ? col.red(n.text) : col.yellow(n.text));
  const head = headline(c);
  lines.push(c.regressions.length ? col.red(head) : col.green(head));
  return lines.join('\n');
}

function metricsOnlyLine(c: Comparison): string {
  const part = (label: string, names: string[]) =>
    names.length ? [`only in ${label}: ${names.join(', ')}`] : [];
  return `Evaluators not compared (${[...part('baseline', c.metricsOnlyInBaseline), ...part('candidate', c.metricsOnlyInCandidate)].join('; ')}).`;
}

const md = (s: string) => s.replace(/[|\\`*_<>[\]]/g, (ch) => `\\${ch}`);

/** The comparison as Markdown, for a pull-request comment. */
export function comparisonMarkdown(c: Comparison): string {
  const icon = (r: ComparisonRow) =>
    r.verdict === 'regressed' ? '🔴' : r.verdict === 'improved' ? '🟢' : '⚪';
  const head = c.candidateAllErrored
    ? headline(c)
    : c.regressions.length
      ? `${c.regressions.length} significant regression(s)`
      : 'No significant regression.';
  const lines = [
    `### Assay comparison: \`${md(c.baseline.label)}\` → \`${md(c.candidate.label)}\``,
    '',
    `**${md(head)}**`,
    '',
    `| | ${HEADER.join(' | ')} |`,
    `|---|${HEADER.map(() => '---').join('|')}|`,
    ...c.rows.map((r) => `| ${icon(r)} | ${rowCells(r).map(md).join(' | ')} |`),
    '',
    `${latencyLine(c, ',')}.`,
  ];
  for (const n of notices(c)) lines.push('', md(n.text));
  return `${lines.join('\n')}\n`;
}
