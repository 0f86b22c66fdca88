import type { RunSummary } from '../../core/summary.js';

export type Tone = 'good' | 'warn' | 'bad' | '';

/**
 * The colour of the pass-rate card. Green says "this is fine", so it needs a reason: gates that all
 * passed, or with no gates a rate of 90% or more. A failed gate or a 0% rate is red whatever else
 * holds (a run whose every case errored once showed a green 0.0%); no judged result is neutral.
 */
export function passRateTone(summary: Pick<RunSummary, 'passed' | 'failed' | 'passRate' | 'gates'>): Tone {
  if (summary.passed + summary.failed === 0) return '';
  const gates = summary.gates ?? [];
  if (gates.some((g) => !g.pass) || summary.passRate === 0) return 'bad';
  if (gates.length > 0) return 'good';
  if (summary.passRate >= 0.9) return 'good';
  return summary.passRate >= 0.5 ? 'warn' : 'bad';
}
