import pc from 'picocolors';
import { table } from '../table.js';
import type { FailureAnalysis, FailureRecord } from './collect.js';

export interface FailuresTextOptions {
  color?: boolean;
  /** How many failures to list (default 20). */
  limit?: number;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
/** One line of plain text: no line breaks, and no control characters that could drive the terminal. */
const flatten = (s: string) =>
  s
    .replace(/\s+/g, ' ')
    .replace(/\p{Cc}/gu, '?')
    .trim();
const clip = (s: string, n: number) => {
  const flat = flatten(s);
  return flat.length <= n ? flat : `${flat.slice(0, n - 1)}…`;
};
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function describeFailure(f: FailureRecord): string[] {
  if (f.kind !== 'failed')
    return [`${f.kind === 'target-error' ? 'target error' : 'evaluator error'}: ${clip(f.error ?? '', 160)}`];
  return f.failed.length
    ? f.failed.map((s) => `${s.evaluator}: ${clip(s.reason || 'failed', 160)}`)
    : ['failed'];
}

/** The failure analysis for a terminal (`assay show <run> --failures`). */
export function formatFailures(a: FailureAnalysis, options: FailuresTextOptions = {}): string {
  const c = pc.createColors(options.color ?? false);
  const lines: string[] = [];
  const errors = a.errors.target + a.errors.evaluator;
  lines.push(
    `${c.bold('Failures')}: ${a.failed} failed · ${plural(a.errors.target, 'target error')} · ${plural(a.errors.evaluator, 'evaluator error')} (of ${a.results} results)`,
  );
  if (a.failed + errors === 0) return lines.join('\n');
  if (a.attribution) {
    const { attributed, retrieval, generation, notAttributable } = a.attribution;
    lines.push(
      '',
      `${c.bold('Retrieval vs generation')} (${attributed} attributable): retrieval ${retrieval} (${pct(retrieval / attributed)}) · generation ${generation} (${pct(generation / attributed)})${notAttributable ? ` · ${notAttributable} without retrieval information` : ''}`,
    );
  }
  if (a.clusters.groups.length) {
    const how = a.clusters.method === 'embeddings' ? 'embeddings' : 'TF-IDF';
    const sil = a.clusters.silhouette === null ? '' : `, silhouette ${a.clusters.silhouette.toFixed(2)}`;
    lines.push('', c.bold(`Clusters (${how}${sil})`));
    lines.push(
      table(
        [
          ['size', 'cases', 'top terms', 'example'],
          ...a.clusters.groups.map((g) => [
            String(g.size),
            String(g.cases),
            g.terms.join(', ') || '–',
            clip(g.examples[0] ?? '', 60),
          ]),
        ],
        ['r', 'r', 'l', 'l'],
      ),
    );
  }
  const tags = a.byTag.filter((t) => t.failed || t.errors);
  if (tags.length) {
    lines.push('', c.bold('By stratum'));
    lines.push(
      table(
        [
          ['stratum', 'failed', 'of', 'fail rate', 'errors'],
          ...tags.map((t) => [
            `${t.key}=${t.value}`,
            String(t.failed),
            String(t.total),
            pct(t.failRate),
            String(t.errors),
          ]),
        ],
        ['l', 'r', 'r', 'r', 'r'],
      ),
    );
  }
  const evaluators = a.byEvaluator.filter((e) => e.failed || e.errors);
  if (evaluators.length) {
    lines.push('', c.bold('By evaluator'));
    lines.push(
      table(
        [
          ['evaluator', 'failed', 'errors', 'most frequent reason'],
          ...evaluators.map((e) => [
            e.evaluator,
            `${e.failed}/${e.scored}`,
            String(e.errors),
            e.reasons[0] ? `${e.reasons[0].count}× ${clip(e.reasons[0].message, 70)}` : '',
          ]),
        ],
        ['l', 'r', 'r', 'l'],
      ),
    );
  }
  const limit = options.limit ?? 20;
  const shown = a.failures.slice(0, limit);
  lines.push('', c.bold(`Worst failures (${shown.length} of ${a.failures.length})`));
  for (const f of shown) {
    const mark = f.kind === 'failed' ? c.red('✘') : c.yellow('!');
    const tags = flatten(
      Object.entries(f.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    );
    const where = f.attribution ? c.dim(` [${f.attribution.attribution}]`) : '';
    lines.push(`${mark} ${flatten(f.id)}${tags ? c.dim(`  ${tags}`) : ''}${where}`);
    for (const d of describeFailure(f)) lines.push(`    ${d}`);
  }
  if (a.failures.length > shown.length) lines.push(c.dim(`… and ${a.failures.length - shown.length} more`));
  return lines.join('\n');
}
