import type { GateOutcome, RunSummary } from '../core/summary.js';
import { DEFAULT_MAX_ERROR_RATE, type Gates } from './schema.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * Checks a summary against the gates the runner can decide alone: pass rate, per stratum, errors.
 * Unless `maxErrors` is set, `maxErrorRate` applies with its default of 1% (listed once a run has
 * errors). `tags` keys are `stratum=value` (that stratum) or `stratum`
 * (every value of it). A gate on a stratum with no cases is reported, and fails: a gate that
 * cannot be checked must not pass silently.
 */
export function checkGates(
  summary: RunSummary,
  gates: Pick<Gates, 'passRate' | 'tags' | 'maxErrors' | 'maxErrorRate'>,
): GateOutcome[] {
  const out: GateOutcome[] = [];
  if (gates.passRate !== undefined) {
    out.push(
      rateGate('passRate', summary.passed + summary.failed > 0 ? summary.passRate : null, gates.passRate),
    );
  }
  for (const [key, threshold] of Object.entries(gates.tags ?? {})) {
    const [tag, value] = key.split('=', 2) as [string, string | undefined];
    const strata = summary.byTag[tag] ?? {};
    const values = value === undefined ? Object.keys(strata) : [value];
    if (values.length === 0) out.push(rateGate(`tags.${key}`, null, threshold));
    for (const v of values) {
      const s = strata[v];
      out.push(rateGate(`tags.${tag}=${v}`, s && s.passed + s.failed > 0 ? s.passRate : null, threshold));
    }
  }
  if (gates.maxErrors !== undefined) {
    const limit =
      gates.maxErrors < 1 && gates.maxErrors > 0 ? gates.maxErrors * summary.total : gates.maxErrors;
    const pass = summary.errors <= limit;
    out.push({
      gate: 'maxErrors',
      pass,
      actual: summary.errors,
      threshold: limit,
      message: `${summary.errors} errors ${pass ? '≤' : '>'} ${limit}`,
    });
  }
  // The default applies to every run but is listed only once there are errors to count.
  if (gates.maxErrorRate !== undefined) out.push(errorRateGate(summary, gates.maxErrorRate));
  else if (gates.maxErrors === undefined && summary.errors > 0)
    out.push(errorRateGate(summary, DEFAULT_MAX_ERROR_RATE));
  return out;
}

function errorRateGate(summary: RunSummary, threshold: number): GateOutcome {
  const actual = summary.total > 0 ? summary.errors / summary.total : 0;
  const pass = actual <= threshold;
  return {
    gate: 'maxErrorRate',
    pass,
    actual,
    threshold,
    message: `maxErrorRate: ${summary.errors} error${summary.errors === 1 ? '' : 's'} in ${summary.total} results (${pct(actual)}) ${pass ? '≤' : '>'} ${pct(threshold)}`,
  };
}

function rateGate(gate: string, actual: number | null, threshold: number): GateOutcome {
  if (actual === null) return { gate, pass: false, actual, threshold, message: `${gate}: no judged cases` };
  const pass = actual >= threshold;
  return {
    gate,
    pass,
    actual,
    threshold,
    message: `${gate}: ${pct(actual)} ${pass ? '≥' : '<'} ${pct(threshold)}`,
  };
}
