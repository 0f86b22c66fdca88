import type { RunRecord } from '../core/run.js';
import type { PassRate, RunSummary } from '../core/summary.js';
import { wilson } from '../stats/intervals.js';
import type { FailureAnalysis, FailureRecord } from './failures/collect.js';

export interface MarkdownInput {
  run: RunRecord;
  summary: RunSummary;
  analysis?: FailureAnalysis;
  /** A run to compare with: each rate gets its change in percentage points. */
  baseline?: { run: RunRecord; summary: RunSummary };
  /** Where the HTML report is published; failures link to `#case=…` inside it. */
  reportUrl?: string;
  /** How many failures to list (default 10). */
  maxFailures?: number;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);
const int = (x: number) => x.toLocaleString('en-US');
const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Plain text safe in a table cell: no pipes, line breaks, raw HTML or emphasis. */
export function mdText(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\p{Cc}/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .trim();
}

/** An inline code span that survives backticks and pipes inside. */
export function mdCode(text: string): string {
  const flat = text
    .replace(/\s+/g, ' ')
    .replace(/\p{Cc}/gu, '')
    .replace(/\|/g, '¦');
  const fence = flat.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${flat}${fence.length > 1 ? ' ' : ''}${fence}`;
}

function interval(r: PassRate): [number, number] | undefined {
  const judged = r.passed + r.failed;
  return r.interval ?? (judged > 0 ? wilson(r.passed, judged) : undefined);
}

/**
 * The change against the baseline in percentage points; ▲/▼ when the baseline's rate lies outside
 * this run's 95% interval, the change then being more than sampling noise would usually give.
 */
function delta(now: PassRate, base: PassRate | undefined): string {
  if (!base || base.passed + base.failed === 0 || now.passed + now.failed === 0) return '–';
  const d = (now.passRate - base.passRate) * 100;
  const ci = interval(now);
  const mark = ci && base.passRate > ci[1] ? ' ▼' : ci && base.passRate < ci[0] ? ' ▲' : '';
  const text = `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(1)} pp${mark}`;
  return mark === ' ▼' ? `**${text}**` : text;
}

function rateRow(label: string, r: PassRate, base: PassRate | undefined, withBase: boolean): string {
  const judged = r.passed + r.failed;
  const ci = interval(r);
  const cells = [
    label,
    judged ? pct(r.passRate) : '–',
    ci ? `${pct(ci[0])}–${pct(ci[1])}` : '–',
    String(r.passed),
    String(r.failed),
    String(r.errors),
  ];
  if (withBase) cells.push(delta(r, base));
  return `| ${cells.join(' | ')} |`;
}

function why(f: FailureRecord): string {
  if (f.kind !== 'failed') return `error: ${f.error ?? ''}`;
  return f.failed.map((s) => `${s.evaluator}: ${s.reason || 'failed'}`).join('; ') || 'failed';
}

function failureLink(f: FailureRecord, reportUrl: string | undefined): string {
  const label = mdCode(f.caseId + (f.repeat ? ` #${f.repeat}` : ''));
  return reportUrl ? `[${label}](${reportUrl}#case=${encodeURIComponent(f.id)})` : label;
}

function whereItFails(a: FailureAnalysis): string[] {
  const lines: string[] = [];
  if (a.attribution) {
    const { attributed, retrieval, generation, notAttributable } = a.attribution;
    lines.push(
      `- **Retrieval vs generation** (${attributed} attributable failures): retrieval ${retrieval} (${pct(retrieval / attributed)}) · generation ${generation} (${pct(generation / attributed)})${notAttributable ? ` · ${notAttributable} without retrieval information` : ''}`,
    );
  }
  const clusters = a.clusters.groups.filter((c) => c.terms.length > 0).slice(0, 5);
  if (clusters.length > 1 || (clusters.length === 1 && a.failed > 1))
    lines.push(
      `- **Clusters**: ${clusters.map((c) => `${mdText(c.terms.join(', '))} (${c.size})`).join(' · ')}`,
    );
  const tags = a.byTag.filter((t) => t.failed > 0).slice(0, 5);
  if (tags.length)
    lines.push(
      `- **Strata**: ${tags.map((t) => `${mdText(`${t.key}=${t.value}`)} ${t.failed}/${t.total}`).join(' · ')}`,
    );
  const evaluators = a.byEvaluator.filter((e) => e.failed > 0 || e.errors > 0).slice(0, 5);
  if (evaluators.length)
    lines.push(
      `- **Evaluators**: ${evaluators
        .map((e) => {
          const reason = e.reasons[0] ? ` — “${mdText(clip(e.reasons[0].message, 80))}”` : '';
          return `${mdCode(e.evaluator)} ${e.failed} failed${e.errors ? `, ${e.errors} error${e.errors === 1 ? '' : 's'}` : ''}${reason}`;
        })
        .join(' · ')}`,
    );
  if (a.errors.target || a.errors.evaluator)
    lines.push(
      `- **Errors**: ${a.errors.target} target, ${a.errors.evaluator} evaluator${a.errors.messages[0] ? ` — “${mdText(clip(a.errors.messages[0].message, 100))}”` : ''}`,
    );
  return lines;
}

/**
 * A run as a compact pull-request comment: the verdict, pass rates overall, by target and by stratum
 * with 95% Wilson intervals (and the change against a baseline), where the failures concentrate, and
 * the worst failures with their reasons.
 */
export function renderMarkdown(input: MarkdownInput): string {
  const { run, summary: s, analysis, baseline } = input;
  const gates = s.gates ?? [];
  const verdict = gates.length ? (gates.every((g) => g.pass) ? '✅ ' : '❌ ') : '';
  const judged = s.passed + s.failed;
  const out: string[] = [];
  out.push(
    `### ${verdict}Assay: ${s.passed}/${judged} passed (${judged ? pct(s.passRate) : '–'}) · run ${mdCode(run.id)}`,
  );
  const p = run.provenance;
  const meta = [
    `dataset ${mdCode(`${p.dataset.name}@${p.dataset.version.slice(0, 8)}`)}`,
    `${int(s.total)} results`,
    run.status === 'completed' ? '' : `**${run.status}**`,
    p.gitCommit ? `git ${mdCode(p.gitCommit.slice(0, 10))}` : '',
    baseline ? `compared with ${mdCode(baseline.run.id)}` : '',
    input.reportUrl ? `[full report](${input.reportUrl})` : '',
  ].filter(Boolean);
  out.push('', meta.join(' · '), '');

  const withBase = baseline !== undefined;
  const b = baseline?.summary;
  out.push(
    `| | pass rate | 95% CI | passed | failed | errors |${withBase ? ' Δ vs baseline |' : ''}`,
    `|---|---:|---:|---:|---:|---:|${withBase ? '---:|' : ''}`,
    rateRow('**overall**', s, b, withBase),
  );
  const targets = Object.entries(s.byTarget);
  if (targets.length > 1)
    for (const [t, r] of targets) out.push(rateRow(`target ${mdCode(t)}`, r, b?.byTarget[t], withBase));
  for (const [key, values] of Object.entries(s.byTag))
    for (const [value, r] of Object.entries(values))
      out.push(rateRow(mdText(`${key}=${value}`), r, b?.byTag[key]?.[value], withBase));
  out.push(
    '',
    `Latency p50 ${ms(s.latencyMs.p50)} · p95 ${ms(s.latencyMs.p95)} · cost $${s.costUsd.toFixed(4)} · tokens ${int(s.tokens.total)} (${int(s.tokens.input)} in, ${int(s.tokens.output)} out)`,
  );
  for (const [role, u] of Object.entries(s.models ?? {}))
    out.push(
      '',
      `${role}: ${int(u.calls)} calls${u.cached ? ` (${int(u.cached)} cached)` : ''} · cost $${u.costUsd.toFixed(4)} · tokens ${int(u.tokens.total)} (${int(u.tokens.input)} in, ${int(u.tokens.output)} out)`,
    );
  if (gates.length)
    out.push(
      '',
      `**Gates**: ${gates.map((g) => `${g.pass ? '✅' : '❌'} ${mdText(g.message)}`).join(' · ')}`,
    );

  if (analysis && analysis.failures.length > 0) {
    const where = whereItFails(analysis);
    if (where.length) out.push('', '#### Where it fails', ...where);
    const max = input.maxFailures ?? 10;
    const worst = analysis.failures.slice(0, max);
    out.push(
      '',
      `#### Worst failures (${worst.length} of ${analysis.failures.length})`,
      '| case | target | tags | why |',
      '|---|---|---|---|',
      ...worst.map(
        (f) =>
          `| ${failureLink(f, input.reportUrl)} | ${mdText(f.target)} | ${mdText(
            Object.entries(f.tags)
              .map(([k, v]) => `${k}=${v}`)
              .join(', '),
          )} | ${mdText(clip(why(f), 160))} |`,
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
