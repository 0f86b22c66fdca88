import type { SignalRecord } from '../core/signal.js';

/** The public JSON of a trace's signals: `{ kind, value, sessionId, computedAt }`. */
export function signalsJson(signals: SignalRecord[]) {
  return signals.map((s) => ({
    kind: s.kind,
    value: s.value,
    sessionId: s.sessionId,
    computedAt: new Date(s.computedMs).toISOString(),
  }));
}
