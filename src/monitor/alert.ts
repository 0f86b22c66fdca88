/** An alert as `assay monitor run` writes it and the webhook sends it. */
export interface MonitorAlert {
  /** `drift.inputs`, `drift.outputs.<name>`, `drift.metric.<name>`, `correlation` or `budget`. */
  kind: string;
  window: { from: string; to: string };
  segment?: string;
  statistic: number;
  /** The p-value the alert was decided on (Holm-adjusted within its window, for drift). */
  p?: number;
  effect?: number;
  message: string;
}
