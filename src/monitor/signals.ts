import type { SignalKind, SignalRecord } from '../core/signal.js';
import type { TraceMessage } from '../core/trace.js';

/** One turn of a session: a trace's user message and the assistant's reply. */
export interface SessionTurn {
  traceId: string;
  startMs: number;
  /** When the reply ended (the start when unknown). */
  endMs: number;
  userText: string;
  /** The span whose input holds `userText` (the trace's first call), where the turn was read from the store. */
  userSpanId?: string;
  outputText: string;
  /** Whether any feedback on this trace is positive (value > 0). */
  positiveFeedback: boolean;
}

export interface SignalOptions {
  /** A next message within this many ms of the previous reply can be a rephrase or retry (default 120 s). */
  windowMs: number;
  /** Cosine from which a next message is a rephrase of the previous one (default 0.8). */
  rephraseThreshold: number;
  /** No message for this long after a reply ends the conversation (default 30 min). */
  abandonMs: number;
}

export const DEFAULT_SIGNAL_OPTIONS: SignalOptions = {
  windowMs: 120_000,
  rephraseThreshold: 0.8,
  abandonMs: 30 * 60_000,
};

/** A call's user text: its last user message (or, without one, its last message). */
export function lastUserText(input: readonly TraceMessage[]): string {
  for (let i = input.length - 1; i >= 0; i--) if (input[i]!.role === 'user') return input[i]!.content;
  return input[input.length - 1]?.content ?? '';
}

/** Text compared for retries: lower case, whitespace collapsed, trimmed. */
export function normaliseText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * The signals of one session's turns (ordered by start). `similarity(a, b)` is the cosine of two
 * user messages (the configured embedder's, see signals-session.ts); it is only asked for pairs
 * within the window that are not retries. A gap longer than `abandonMs` ends a conversation:
 * `turns` and `time_to_completion_ms` go on each conversation's last trace, and `abandoned` too when
 * that conversation ended on a reply with no positive feedback. The last conversation counts as
 * ended only once `now` is past its timeout.
 */
export function sessionSignals(
  projectId: string,
  sessionId: string,
  turns: SessionTurn[],
  similarity: (a: string, b: string) => number,
  now: number,
  options: SignalOptions = DEFAULT_SIGNAL_OPTIONS,
): SignalRecord[] {
  const out: SignalRecord[] = [];
  const add = (traceId: string, kind: SignalKind, value: number) =>
    out.push({ projectId, traceId, sessionId, kind, value, computedMs: now });
  // Each text normalised once, not once per comparison it takes part in.
  const normalised = turns.map((t) => normaliseText(t.userText));
  let first = 0;
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i]!;
    const prev = i > first ? turns[i - 1] : undefined;
    // Without text (`ingest.content: false`, tool-only calls) there is nothing to compare.
    const texts = prev ? normalised[i - 1] !== '' && normalised[i] !== '' : false;
    if (prev && texts && turn.startMs - prev.endMs <= options.windowMs) {
      if (normalised[i] === normalised[i - 1]) add(turn.traceId, 'retry', 1);
      else {
        const cos = similarity(prev.userText, turn.userText);
        if (cos >= options.rephraseThreshold) add(turn.traceId, 'rephrase', cos);
      }
    }
    const next = turns[i + 1];
    const ended = next
      ? next.startMs - turn.endMs > options.abandonMs
      : now - turn.endMs >= options.abandonMs;
    if (!next || ended) {
      const conversation = turns.slice(first, i + 1);
      add(turn.traceId, 'turns', conversation.length);
      add(turn.traceId, 'time_to_completion_ms', turn.endMs - turns[first]!.startMs);
      const liked = conversation.some((t) => t.positiveFeedback);
      if (ended && turn.outputText.trim() !== '' && !liked) add(turn.traceId, 'abandoned', 1);
      first = i + 1;
    }
  }
  return out;
}
