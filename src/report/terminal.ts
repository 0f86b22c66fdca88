import pc from 'picocolors';
import type { RunRecord } from '../core/run.js';
import type { PassRate, RunSummary } from '../core/summary.js';
import { table } from './table.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const ci = (r: PassRate) => (r.interval ? `${pct(r.interval[0])}–${pct(r.interval[1])}` : '–');
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 1 : 0)} ms`);

const cut = (text: string, max = 200) => {
  const line = text.replace(/\s*\n\s*/g, ' ');
  return line.length > max ? `${line.slice(0, max)}…` : line;
};

export interface TerminalOptions {
  color?: boolean;
}

/** The run summary as people read it in a terminal: overall line, a table per tag, latency, tokens, cost, gates. */
export function formatSummary(
  run: Pick<RunRecord, 'id' | 'status'>,
  s: RunSummary,
  options: TerminalOptions = {},
): string {
  const c = pc.createColors(options.color ?? false);
  const lines: string[] = [];
  const judged = s.passed + s.failed;
  const head = `${s.passed}/${judged} passed (${pct(s.passRate)}, 95% CI ${ci(s)})`;
  const errs = s.errors ? c.yellow(`${s.errors} errors`) : '0 errors';
  lines.push(
    `${c.bold('Run')} ${run.id}  ${run.status === 'completed' ? '' : c.yellow(`[${run.status}] `)}${head} · ${s.failed} failed · ${errs} · ${s.total} results in ${ms(s.durationMs)}`,
  );

  const targets = Object.entries(s.byTarget);
  if (targets.length > 1) {
    lines.push('', c.bold('By target'));
    lines.push(
      table(
        [
          ['target', 'pass rate', '95% CI', 'passed', 'failed', 'errors'],
          ...targets.map(([t, r]) => [
            t,
            pct(r.passRate),
            ci(r),
            String(r.passed),
            String(r.failed),
            String(r.errors),
          ]),
        ],
        ['l', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
  }
  for (const [tag, values] of Object.entries(s.byTag)) {
    lines.push('', c.bold(`By ${tag}`));
    const rows = Object.entries(values).map(([v, r]) => {
      const rate = r.passed + r.failed === 0 ? '–' : pct(r.passRate);
      return [v, rate, ci(r), String(r.passed), String(r.failed), String(r.errors)];
    });
    lines.push(
      table(
        [[tag, 'pass rate', '95% CI', 'passed', 'failed', 'errors'], ...rows],
        ['l', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
  }
  const evaluators = Object.values(s.byEvaluator);
  if (evaluators.length > 0) {
    lines.push('', c.bold('By evaluator'));
    lines.push(
      table(
        [
          ['evaluator', 'passed', 'mean score', 'errors'],
          ...evaluators.map((e) => [
            e.evaluator,
            `${e.passed}/${e.count}`,
            e.meanScore === null ? '–' : e.meanScore.toFixed(3),
            String(e.errors),
          ]),
        ],
        ['l', 'r', 'r', 'r'],
      ),
    );
  }
  lines.push(
    '',
    `${c.bold('Latency')}  p50 ${ms(s.latencyMs.p50)} · p95 ${ms(s.latencyMs.p95)} · p99 ${ms(s.latencyMs.p99)} · max ${ms(s.latencyMs.max)}${s.cached ? ` · ${s.cached} from cache` : ''}`,
  );
  lines.push(
    `${c.bold('Tokens')}   ${s.tokens.input} in · ${s.tokens.output} out · ${c.bold('Cost')} $${s.costUsd.toFixed(4)}`,
  );
  // What evaluating the run cost, apart from the targets': judges, the simulated user, embedders.
  for (const [role, u] of Object.entries(s.models ?? {})) {
    const label = `${role[0]!.toUpperCase()}${role.slice(1)}`.padEnd(9);
    const cached = u.cached ? ` (${u.cached} cached)` : '';
    lines.push(
      `${c.bold(label)}${u.tokens.input} in · ${u.tokens.output} out · ${u.calls} calls${cached} · ${c.bold('Cost')} $${u.costUsd.toFixed(4)}`,
    );
  }
  if (s.repeats) {
    const r = s.repeats;
    const f = (x: number | null) => (x === null ? '–' : pct(x));
    lines.push(
      `${c.bold('Repeats')}  ${r.k} per case · pass@${r.k} ${f(r.passAtK)} · pass^${r.k} ${f(r.passHatK)} · always pass ${r.alwaysPass} · always fail ${r.alwaysFail}`,
    );
  }
  const flaky = s.repeats?.flaky;
  if (flaky && flaky.count > 0)
    lines.push(
      c.yellow(
        `Flaky: ${flaky.count} cases (${flaky.cases.slice(0, 10).join(', ')}${flaky.count > 10 ? ', …' : ''})`,
      ),
    );
  if (s.topErrors?.length) {
    const many = new Set(s.topErrors.map((e) => e.target)).size > 1;
    lines.push(
      '',
      c.bold('Errors'),
      ...s.topErrors.map(
        (e) => `  ${c.yellow(`${e.count}×`)} ${many ? `${e.target}: ` : ''}${cut(e.message)}`,
      ),
    );
  }
  if (s.gates?.length) {
    lines.push('', c.bold('Gates'));
    for (const g of s.gates) lines.push(`  ${g.pass ? c.green('✔') : c.red('✘')} ${g.message}`);
  }
  return lines.join('\n');
}

/**
 * For targets every result of which is an error: one `assay: error:` line each, with its most
 * frequent messages, so the cause is on screen without `assay show --failures`.
 */
export function formatBrokenTargets(targets: readonly string[], s: RunSummary): string {
  const lines: string[] = [];
  for (const t of targets) {
    const n = s.byTarget[t]?.total ?? 0;
    lines.push(`assay: error: every result of target "${t}" is an error (${n} of ${n}); most frequent:`);
    for (const e of s.topErrors?.filter((x) => x.target === t) ?? [])
      lines.push(`  ${e.count}× ${cut(e.message)}`);
  }
  return `${lines.join('\n')}\n`;
}
