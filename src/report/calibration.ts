import pc from 'picocolors';
import { type Calibration, type Correlation, MIN_DECISIVE_N } from '../judge/calibration/calibrate.js';
import { table } from './table.js';

const f2 = (x: number | null | undefined) =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(2);
const corr = (c: Correlation | null) =>
  c ? `${f2(c.value)}  [${f2(c.lo)}, ${f2(c.hi)}]  p ${c.p < 0.001 ? '<0.001' : c.p.toFixed(3)}` : '–';

/** One calibration (judge vs human labels on one score) as a terminal section. */
export function formatCalibration(
  cal: Calibration,
  options: { color?: boolean; runId?: string } = {},
): string {
  const c = pc.createColors(options.color ?? false);
  const verdict = cal.verdict === 'trusted' ? c.green(cal.verdict) : c.yellow(cal.verdict);
  const lines = [
    c.bold(
      `Calibration of ${cal.evaluator}${options.runId ? ` (run ${options.runId})` : ''} against human labels: ${cal.n} outputs`,
    ),
    table(
      [
        ['Pearson r', corr(cal.pearson)],
        ['Spearman ρ', corr(cal.spearman)],
        ['Kendall τ-b', corr(cal.kendall)],
        ['weighted κ (quadratic, per rating)', f2(cal.kappa)],
        [
          'pass/fail agreement',
          cal.passAgreement
            ? `${(cal.passAgreement.share * 100).toFixed(1)}% (${cal.passAgreement.agree}/${cal.passAgreement.total}, threshold ${cal.threshold})`
            : '–',
        ],
        [
          "humans' own agreement",
          cal.humanAgreement
            ? `Krippendorff's α ${f2(cal.humanAgreement.alpha)} over ${cal.humanAgreement.units} outputs rated by 2–${cal.humanAgreement.maxRaters}`
            : 'one rating per output',
        ],
      ],
      ['l', 'l'],
    ),
    `Verdict: ${verdict} (trusted when the Spearman interval's lower bound is ≥ 0.8, revise the prompt when its upper bound is below 0.8; ${MIN_DECISIVE_N} outputs or more)`,
  ];
  if (cal.distributions.levels.length) {
    lines.push(
      '',
      'Score distributions (judge per output, humans per rating):',
      table(
        [
          ['level', ...cal.distributions.levels],
          ['judge', ...cal.distributions.judge.map(String)],
          ['human', ...cal.distributions.human.map(String)],
        ],
        ['l', ...cal.distributions.levels.map(() => 'r' as const)],
      ),
    );
  }
  if (cal.gaps.length) {
    lines.push('', 'Largest judge–human gaps (review these to improve the judge prompt):');
    for (const g of cal.gaps) {
      const why = g.reasoning ? ` — ${g.reasoning.replace(/\s+/g, ' ').slice(0, 160)}` : '';
      lines.push(`  ${g.caseId} [${g.target}] judge ${f2(g.judge)} vs human ${f2(g.human)}${why}`);
    }
  }
  for (const n of cal.notes) lines.push(c.dim(`note: ${n}`));
  return lines.join('\n');
}
