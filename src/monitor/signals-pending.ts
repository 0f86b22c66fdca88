import type { SpanRecord } from '../core/trace.js';
import { PackedSpan, type SpanTurn } from '../store/span-values.js';
import type { KeptTurn } from './signals-incremental.js';

/**
 * What the signal tracker keeps of a committed trace until its session is recomputed: enough to
 * make its turn as `sessionTurns` (signals-session.ts) would from the store, and to check that the
 * store holds nothing more of it (its span count).
 */
export interface PendingTrace {
  projectId: string;
  traceId: string;
  sessionId: string;
  /**
   * Spans committed, counted as they come: a span resent by a retrying exporter counts twice and
   * then differs from the store's count, so that session is read from the store (what a set of ids
   * would spare, at ~500 bytes a trace while up to 10,000 sessions wait).
   */
  spanCount: number;
  /**
   * The earliest and latest spans with a model (by start): the turn's user message and reply. The
   * user text itself stays in the store until a round compares it (`spanInputs`): held here, a
   * backlog of 10,000 sessions under overload kept tens of megabytes of it, more with long messages.
   */
  first?: { startMs: number; spanId: string };
  last?: { startMs: number; spanId: string; hasOutput: boolean };
  endMs: number;
}

/** The order of a trace's spans as `sessionActivity` gives them: by start, then span id. */
const before = (a: { startMs: number; spanId: string }, b: { startMs: number; spanId: string }) =>
  a.startMs < b.startMs || (a.startMs === b.startMs && a.spanId < b.spanId);

export const traceKey = (projectId: string, traceId: string) => `${projectId}\u0000${traceId}`;

/** Whether a call has a reply, were it its trace's last. */
function hasOutputOf(span: SpanRecord): boolean {
  const packed = PackedSpan.turnOf(span);
  if (packed) return packed.hasOutput;
  return (
    span.output
      .map((m) => m.content)
      .join('\n')
      .trim() !== ''
  );
}

/**
 * What a span with a model gives its trace's turn, as `sessionTurns` reads it: computed where a span
 * is converted and packed (a decoding thread), so the commit thread never parses its messages.
 */
export function spanTurn(span: SpanRecord): SpanTurn {
  return { hasOutput: hasOutputOf(span) };
}

/**
 * Adds a commit's spans of one trace (in commit order) to what is pending of it. `sessionId` is the
 * trace's session as the writer assigns it: the first span's that has one.
 */
export function addSpans(pending: PendingTrace, spans: SpanRecord[]): void {
  pending.spanCount += spans.length;
  for (const s of spans) {
    if (s.model === null || s.model === undefined) continue;
    pending.endMs = Math.max(pending.endMs, s.endMs ?? s.startMs);
    const { first, last } = pending;
    if (!first || before(s, first)) pending.first = { startMs: s.startMs, spanId: s.spanId };
    if (!last || before(last, s))
      pending.last = { startMs: s.startMs, spanId: s.spanId, hasOutput: hasOutputOf(s) };
  }
}

/** The turn of a pending trace (undefined without a span with a model: such a trace has no turn). */
export function pendingTurn(p: PendingTrace): KeptTurn | undefined {
  if (!p.first || !p.last) return undefined;
  return {
    traceId: p.traceId,
    startMs: p.first.startMs,
    endMs: p.endMs,
    userSpanId: p.first.spanId,
    hasOutput: p.last.hasOutput,
    positiveFeedback: false,
  };
}
