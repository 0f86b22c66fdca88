/**
 * Implicit signals of production traffic, computed per session (src/monitor/signals*.ts) and
 * stored on the trace they concern: `rephrase`, `retry`, `abandoned`, `time_to_completion_ms`, `turns`.
 */
export type SignalKind = 'rephrase' | 'retry' | 'abandoned' | 'time_to_completion_ms' | 'turns';

export interface SignalRecord {
  projectId: string;
  traceId: string;
  sessionId: string;
  kind: SignalKind;
  /** rephrase: the cosine; retry and abandoned: 1; time_to_completion_ms: ms; turns: a count. */
  value: number;
  computedMs: number;
}
