/**
 * The monitor's view of one production trace: plain data, flattened from the store (or built by
 * hand in tests), so sampling, drift and correlation are pure functions of arrays of these.
 */
export interface MonitoredTrace {
  id: string;
  /** Epoch milliseconds. */
  timestamp: number;
  /** The user's input as text (the last user message). */
  input: string;
  /** The assistant's answer as text; '' when there was none. */
  output: string;
  model?: string;
  /** The prompt version the trace's calls named (`promptVersion` in `monitor.segments`). */
  promptVersion?: string;
  tags?: Record<string, string>;
  metadata?: Record<string, unknown>;
  /** Set when the call failed. */
  error?: string;
  latencyMs?: number;
  costUsd?: number;
  usage?: { inputTokens: number; outputTokens: number };
  contexts?: string[];
  /** Explicit feedback: thumbs (1 / -1), star ratings (`name` with `star` or `rating`, 1..5). */
  feedback?: { name?: string; value: number }[];
  /** Implicit signals found on the trace: `rephrase`, `retry`, `abandonment`, … */
  signals?: string[];
  /** Online evaluator scores by evaluator name (null: could not be computed). */
  scores?: Record<string, number | null>;
  /** The span online scores are written on (the trace's last LLM span). */
  spanId?: string;
  /** The monitor's online evaluators have scored this trace already (its scores are stored). */
  scoredOnline?: boolean;
}

/** Thumbs down, or one or two stars out of five. */
export function isNegativeFeedback(f: { name?: string; value: number }): boolean {
  if (f.value < 0) return true;
  return /star|rating/i.test(f.name ?? '') && f.value <= 2;
}

/** Thumbs up, or four or five stars. */
export function isPositiveFeedback(f: { name?: string; value: number }): boolean {
  if (/star|rating/i.test(f.name ?? '')) return f.value >= 4;
  return f.value > 0;
}

/** The value at a dot path of a trace (`tags.segment`, `model`, `metadata.plan`), as text. */
export function traceField(trace: MonitoredTrace, path: string): string | undefined {
  let v: unknown = trace;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The segment a trace belongs to: `tags.segment=billing|model=gpt-4o`, `(none)` for a missing value. */
export function segmentOf(trace: MonitoredTrace, segments: readonly string[]): string {
  if (segments.length === 0) return 'all';
  return segments.map((s) => `${s}=${traceField(trace, s) ?? '(none)'}`).join('|');
}
