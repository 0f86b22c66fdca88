import type { SignalRecord } from '../core/signal.js';
import type { FeedbackRecord, SpanRecord } from '../core/trace.js';
import type { TraceStore } from '../core/trace-store.js';
import type { Embedder } from '../embeddings/embedder.js';
import { cosine } from '../embeddings/vector.js';
import {
  lastUserText,
  normaliseText,
  type SessionTurn,
  type SignalOptions,
  sessionSignals,
} from './signals.js';

/**
 * One turn per trace of a session, from its spans with a model: the user text is the last user
 * message of the trace's first LLM call (what the person typed), the reply the last call's output.
 */
export function sessionTurns(spans: SpanRecord[], feedback: FeedbackRecord[]): SessionTurn[] {
  const byTrace = new Map<string, SpanRecord[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId) ?? [];
    list.push(s);
    byTrace.set(s.traceId, list);
  }
  const liked = new Set(feedback.filter((f) => (f.value ?? 0) > 0).map((f) => f.traceId));
  const turns: SessionTurn[] = [];
  for (const [traceId, list] of byTrace) {
    list.sort((a, b) => a.startMs - b.startMs);
    const first = list[0]!;
    const last = list[list.length - 1]!;
    turns.push({
      traceId,
      startMs: first.startMs,
      endMs: Math.max(...list.map((s) => s.endMs ?? s.startMs)),
      userText: lastUserText(first.input),
      userSpanId: first.spanId,
      outputText: last.output.map((m) => m.content).join('\n'),
      positiveFeedback: liked.has(traceId),
    });
  }
  return turns.sort((a, b) => a.startMs - b.startMs || a.traceId.localeCompare(b.traceId));
}

/** The cosine of every pair of consecutive user messages within the window that are not retries. */
async function pairSimilarity(
  turns: SessionTurn[],
  embedder: Embedder,
  options: SignalOptions,
): Promise<(a: string, b: string) => number> {
  const texts = new Set<string>();
  const normalised = turns.map((t) => normaliseText(t.userText));
  for (let i = 1; i < turns.length; i++) {
    const [prev, turn] = [turns[i - 1]!, turns[i]!];
    if (turn.startMs - prev.endMs > options.windowMs) continue;
    if (normalised[i - 1] === normalised[i]) continue;
    texts.add(prev.userText).add(turn.userText);
  }
  const list = [...texts];
  const vectors = list.length > 0 ? await embedder.embed(list) : [];
  const at = new Map(list.map((t, i) => [t, vectors[i]!]));
  return (a, b) => {
    const [va, vb] = [at.get(a), at.get(b)];
    return va && vb ? cosine(va, vb) : 0;
  };
}

export interface RecomputeOptions {
  embedder: Embedder;
  signals: SignalOptions;
  /** The session's latest traces read at most (bounded work per session; default 200). */
  maxTraces?: number;
  now?: () => number;
}

/** Reads a session's latest traces, computes its signals and replaces the stored ones. */
export async function recomputeSession(
  store: TraceStore,
  projectId: string,
  sessionId: string,
  options: RecomputeOptions,
): Promise<SignalRecord[]> {
  return (await fullRecompute(store, projectId, sessionId, options)).signals;
}

/** `recomputeSession`, also giving the turns it read (the incremental path keeps its state from them). */
export async function fullRecompute(
  store: TraceStore,
  projectId: string,
  sessionId: string,
  options: RecomputeOptions,
): Promise<{ signals: SignalRecord[]; turns: SessionTurn[] }> {
  const activity = await store.sessionActivity(projectId, sessionId, options.maxTraces ?? 200);
  const turns = sessionTurns(activity.spans, activity.feedback);
  const similarity = await pairSimilarity(turns, options.embedder, options.signals);
  const now = (options.now ?? Date.now)();
  const signals = sessionSignals(projectId, sessionId, turns, similarity, now, options.signals);
  await store.replaceSessionSignals(projectId, sessionId, signals);
  return { signals, turns };
}
