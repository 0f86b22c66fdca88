import type { GateOutcome, RunSummary } from '../core/run.js';

export interface Gates {
  passRate?: number;
  tags?: Record<string, number>;
  maxErrors?: number;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * Checks a summary against the gates. `tags` keys are `stratum=value` (that stratum) or `stratum`
 * (every value of it). A gate on a stratum with no cases is reported, and fails: a gate that
 * cannot be checked must not pass silently.
 */
export function checkGates(summary: RunSummary, gates: Gates): GateOutcome[] {
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
  return out;
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
