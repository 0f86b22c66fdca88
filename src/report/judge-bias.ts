import pc from 'picocolors';
import type { JudgeBiasReport } from '../judge/bias/report.js';
import { table } from './table.js';

const f2 = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(2));
const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The judge bias checks of a run as a terminal section: one row per judge score, then the warnings. */
export function formatJudgeBias(report: JudgeBiasReport, options: { color?: boolean } = {}): string {
  const c = pc.createColors(options.color ?? false);
  const rows = report.scores.map((b) => {
    const d = b.distribution;
    const dist = d
      ? Object.entries(d.counts)
          .map(([level, n]) => `${level}:${n}`)
          .join(' ')
      : '–';
    const flags = [d?.notDiscriminative ? 'not discriminative' : '', d?.bimodal ? 'bimodal' : '']
      .filter(Boolean)
      .join(', ');
    return [
      b.score,
      b.judges.join(', '),
      String(b.scored),
      b.errors ? c.red(String(b.errors)) : '0',
      b.position ? `${pct(b.position.share)} (${b.position.inconsistent}/${b.position.pairs})` : '–',
      b.verbosity.rho === null ? '–' : `${f2(b.verbosity.rho)}${b.verbosity.warn ? c.yellow(' !') : ''}`,
      b.agreement ? `α ${f2(b.agreement.alpha)}` : '–',
      flags ? `${dist} ${c.yellow(`(${flags})`)}` : dist,
    ];
  });
  const head = [
    'judge score',
    'judge',
    'scored',
    'errors',
    'position flips',
    'ρ(length)',
    'judges agree',
    'distribution',
  ];
  const lines = [
    c.bold('Judge bias checks'),
    table([head, ...rows], ['l', 'l', 'r', 'r', 'r', 'r', 'l', 'l']),
  ];
  if (report.warnings.length) lines.push('', ...report.warnings.map((w) => c.yellow(`warning: ${w}`)));
  else lines.push('', c.green('no judge bias found by these checks'));
  return lines.join('\n');
}
