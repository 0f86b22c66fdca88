/** One drift test of one window against its reference. */
export interface DriftTest {
  /** `drift.inputs`, `drift.outputs.<name>` or `drift.metric.<name>`. */
  kind: string;
  /** Set on a test of one segment's traffic (`drift.bySegment`); absent for the whole traffic. */
  segment?: string;
  /** The test behind the p-value: `mmd`, `ks`, `chi-square`, `ewma`. */
  test: string;
  statistic: number;
  /** The test's own p-value. */
  p: number;
  /** p after Holm's correction over every test of the window (what alerts are decided on). */
  adjustedP?: number;
  /** A size of the change: PSI for outputs, share of inputs that moved cluster for inputs, current minus reference for metrics. */
  effect?: number;
  /** What `effect` measures. */
  effectName?: string;
  /** Set when the corrected p is at or under alpha. */
  alert?: boolean;
  /** One line a person can act on. */
  message: string;
  /** Figures behind the message (reference and current summaries, clusters with examples). */
  details?: Record<string, unknown>;
}

export const round = (v: number, digits = 3): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

export const pct = (v: number): string => `${round(100 * v, 1)}%`;
