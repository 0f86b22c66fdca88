import pc from 'picocolors';
import { table } from '../report/table.js';
import type { Comparison, ComparisonRow, Side } from './analyze.js';

// `pass` stays a rate with repeats too, where per-case pass fractions are tested with Wilcoxon.
const isRate = (r: ComparisonRow) => r.metric === 'pass' || r.test.startsWith('mcnemar');
const fmt = (r: ComparisonRow, x: number) => (isRate(r) ? `${(x * 100).toFixed(1)}%` : x.toFixed(3));
const side = (r: ComparisonRow, s: Side | null) =>
  s ? `${fmt(r, s.value)} [${fmt(r, s.interval[0])}, ${fmt(r, s.interval[1])}]` : '–';
const signed = (r: ComparisonRow) => {
  const d = isRate(r) ? `${(r.diff * 100).toFixed(1)} pt` : r.diff.toFixed(3);
  return r.diff > 0 ? `+${d}` : d;
};
const pv = (p: number | null) => (p === null ? '–' : p < 0.001 ? '<0.001' : p.toFixed(3));
const ms = (x: number | null) => (x === null ? '–' : `${x.toFixed(0)} ms`);
const usd = (x: number | null) => (x === null ? '–' : `$${x.toFixed(5)}`);

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
    r.verdict,
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
    `Latency p50 ${ms(c.operational.baseline.p50)} → ${ms(c.operational.candidate.p50)} · p95 ${ms(c.operational.baseline.p95)} → ${ms(c.operational.candidate.p95)} · cost per case ${usd(c.operational.baseline.costPerCase)} → ${usd(c.operational.candidate.costPerCase)}`,
  ];
  if (c.onlyInBaseline.length)
    lines.push(
      col.yellow(
        `Only in baseline (${c.onlyInBaseline.length}): ${c.onlyInBaseline.slice(0, 20).join(', ')}`,
      ),
    );
  if (c.onlyInCandidate.length)
    lines.push(
      col.yellow(
        `Only in candidate (${c.onlyInCandidate.length}): ${c.onlyInCandidate.slice(0, 20).join(', ')}`,
      ),
    );
  if (c.metricsOnlyInBaseline.length || c.metricsOnlyInCandidate.length)
    lines.push(col.yellow(metricsOnlyLine(c)));
  lines.push(
    c.regressions.length
      ? col.red(`Regressed: ${c.regressions.map((r) => `${r.metric} on ${r.stratum}`).join('; ')}`)
      : col.green('No significant regression.'),
  );
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
  const lines = [
    `### Assay comparison: \`${md(c.baseline.label)}\` → \`${md(c.candidate.label)}\``,
    '',
    c.regressions.length
      ? `**${c.regressions.length} significant regression(s)**`
      : '**No significant regression.**',
    '',
    `| | ${HEADER.join(' | ')} |`,
    `|---|${HEADER.map(() => '---').join('|')}|`,
    ...c.rows.map((r) => `| ${icon(r)} | ${rowCells(r).map(md).join(' | ')} |`),
    '',
    `Latency p50 ${ms(c.operational.baseline.p50)} → ${ms(c.operational.candidate.p50)}, p95 ${ms(c.operational.baseline.p95)} → ${ms(c.operational.candidate.p95)}; cost per case ${usd(c.operational.baseline.costPerCase)} → ${usd(c.operational.candidate.costPerCase)}.`,
  ];
  if (c.onlyInBaseline.length || c.onlyInCandidate.length) {
    lines.push(
      '',
      `Cases only in baseline: ${c.onlyInBaseline.length}; only in candidate: ${c.onlyInCandidate.length}.`,
    );
  }
  if (c.metricsOnlyInBaseline.length || c.metricsOnlyInCandidate.length)
    lines.push('', md(metricsOnlyLine(c)));
  return `${lines.join('\n')}\n`;
}
