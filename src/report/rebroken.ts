import pc from 'picocolors';
import type { RebrokenCase } from '../gates/rebroken.js';

/** `Re-broken: 2 of 14 regression cases passed before and fail again` and one line per case. */
export function formatRebroken(cases: readonly RebrokenCase[], regression: number, color = false): string {
  const c = pc.createColors(color);
  if (regression === 0) return `${c.bold('Re-broken')}: no regression case in this dataset`;
  if (cases.length === 0) {
    return `${c.bold('Re-broken')}: none (${regression} regression case${regression === 1 ? '' : 's'})`;
  }
  const lines = [
    `${c.bold('Re-broken')}: ${c.red(String(cases.length))} regression case result${cases.length === 1 ? '' : 's'} passed before and fail again`,
  ];
  for (const r of cases) {
    const from = r.promotedFrom ? ` · promoted from run ${r.promotedFrom.runId}` : '';
    const why = r.reasons.length ? ` · ${r.reasons.join('; ').slice(0, 160)}` : '';
    lines.push(`  ${r.caseId} on ${r.target} · passed in run ${r.passedIn.runId}${from}${why}`);
  }
  return lines.join('\n');
}
