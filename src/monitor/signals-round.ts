import type { SpanRef, TraceSessionRow, TraceSignals, TraceStore } from '../core/trace-store.js';
import type { Embedder } from '../embeddings/embedder.js';
import { lastUserText, type SignalOptions } from './signals.js';
import {
  extendSession,
  type KeptTurn,
  type SessionState,
  stateFromTurns,
  textsNeeded,
  textsToEmbed,
  turnOrder,
} from './signals-incremental.js';
import { type PendingTrace, pendingTurn } from './signals-pending.js';
import { fullRecompute } from './signals-session.js';

/** A session to recompute, with its traces committed since it was last computed. */
export interface DirtySession {
  projectId: string;
  sessionId: string;
  /** Recompute from the store whatever is kept (feedback changes any conversation). */
  full: boolean;
  traces: PendingTrace[];
}

/** The kept state of the sessions computed last, at most `max` (the least recently computed go first). */
export class SessionStates {
  private readonly states = new Map<string, SessionState>();
  constructor(readonly max: number) {}
  get size(): number {
    return this.states.size;
  }
  take(key: string): SessionState | undefined {
    const state = this.states.get(key);
    this.states.delete(key);
    return state;
  }
  put(key: string, state: SessionState): void {
    this.states.delete(key);
    this.states.set(key, state);
    if (this.states.size > this.max) this.states.delete(this.states.keys().next().value as string);
  }
}

export interface RoundOptions {
  embedder: Embedder;
  signals: SignalOptions;
  /** A session with this many traces or more is always recomputed from the store (its latest ones). */
  maxTraces: number;
  now: () => number;
  /** Whether feedback for this trace came before the trace (only the store knows it then). */
  hadEarlyFeedback: (projectId: string, traceId: string) => boolean;
}

export interface RoundCounts {
  incremental: number;
  full: number;
  failures: number;
}

export const sessionKey = (projectId: string, sessionId: string) => JSON.stringify([projectId, sessionId]);

/** Sessions of one project taken for a recompute, and what the store held of them then. */
export interface Round {
  projectId: string;
  sessions: DirtySession[];
  traceCounts: Map<string, number>;
  rows: Map<string, TraceSessionRow>;
}

/**
 * What the store holds of these sessions: their trace counts and their new traces' sessions and
 * span counts. Taken with no commit in between since their pending traces were (`IngestQueue.between`),
 * so that the two agree.
 */
export async function checkRound(
  store: TraceStore,
  projectId: string,
  sessions: DirtySession[],
): Promise<Round> {
  const traceCounts = await store.sessionTraceCounts(
    projectId,
    sessions.map((s) => s.sessionId),
  );
  const rows = await store.traceSessions(
    projectId,
    sessions.flatMap((s) => s.traces.map((t) => t.traceId)),
  );
  return { projectId, sessions, traceCounts, rows };
}

/**
 * Recomputes a round of sessions of one project. A session whose kept state plus its pending traces
 * is exactly what the store holds (its trace count, and each new trace's session and span count) is
 * extended by its new turns: no read of its spans, and only the changed traces' signals written, all
 * sessions of the round in one transaction. Any other (unknown, evicted, a late span of an older
 * trace, a trace out of order, feedback, another server writing the same session) is recomputed
 * from the store as before, and its state kept from there.
 */
export async function recomputeRound(
  store: TraceStore,
  round: Round,
  states: SessionStates,
  options: RoundOptions,
): Promise<RoundCounts> {
  const { projectId, sessions, traceCounts, rows } = round;
  const counts: RoundCounts = { incremental: 0, full: 0, failures: 0 };
  const changes: TraceSignals[] = [];
  const extended: [string, SessionState][] = [];
  const now = options.now();
  const plans = sessions.map((session) => {
    const key = sessionKey(projectId, session.sessionId);
    const stored = traceCounts.get(session.sessionId) ?? 0;
    const kept = states.take(key) ?? (stored === session.traces.length ? { traces: 0 } : undefined);
    return { session, key, stored, kept, added: extension(session, kept, stored, rows, options) };
  });
  // The user texts the extensions compare, read in one go (the full recomputes read their own).
  const texts = await userTexts(
    store,
    projectId,
    plans.flatMap((p) => (p.kept && p.added ? textsNeeded(p.kept, p.added, options.signals) : [])),
  );
  // And their vectors, in one call for the round (a remote embedder: one request, not one a turn).
  const vectors = await embedAll(
    options.embedder,
    plans.flatMap((p) => (p.kept && p.added ? textsToEmbed(p.kept, p.added, texts, options.signals) : [])),
  );
  for (const { session, key, stored, kept, added } of plans) {
    if (kept && added) {
      try {
        const ext = await extendSession(
          kept,
          projectId,
          session.sessionId,
          added,
          session.traces.length,
          texts,
          options.embedder,
          now,
          options.signals,
          vectors,
        );
        changes.push({ projectId, traceIds: ext.traceIds, signals: ext.signals });
        extended.push([key, ext.state]);
      } catch {
        counts.failures += 1;
      }
      continue;
    }
    try {
      const { turns } = await fullRecompute(store, projectId, session.sessionId, {
        embedder: options.embedder,
        signals: options.signals,
        maxTraces: options.maxTraces,
        now: () => now,
      });
      counts.full += 1;
      if (stored < options.maxTraces)
        states.put(key, await stateFromTurns(turns, stored, options.embedder, options.signals));
    } catch {
      counts.failures += 1;
    }
  }
  try {
    await store.replaceTraceSignals(changes);
    for (const [key, state] of extended) states.put(key, state);
    counts.incremental += extended.length;
  } catch {
    counts.failures += extended.length;
  }
  return counts;
}

/** The user texts of these spans (their last user message), by `spanRefKey`. */
async function userTexts(
  store: TraceStore,
  projectId: string,
  spans: SpanRef[],
): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  if (spans.length === 0) return texts;
  for (const [key, input] of await store.spanInputs(projectId, spans)) texts.set(key, lastUserText(input));
  return texts;
}

/**
 * The vectors of these texts by text, embedded in one call. A failure leaves them out: each session
 * then embeds its own, and fails alone if the embedder still fails.
 */
async function embedAll(embedder: Embedder, texts: string[]): Promise<Map<string, Float32Array>> {
  const distinct = [...new Set(texts)];
  const vectors = new Map<string, Float32Array>();
  if (distinct.length === 0) return vectors;
  try {
    const embedded = await embedder.embed(distinct);
    for (const [i, t] of distinct.entries()) vectors.set(t, embedded[i]!);
  } catch {
    // Left to the sessions (see above).
  }
  return vectors;
}

/** The session's new turns in order, when it can be extended from `kept`; undefined otherwise. */
function extension(
  session: DirtySession,
  kept: SessionState | undefined,
  stored: number,
  rows: Map<string, TraceSessionRow>,
  options: RoundOptions,
): KeptTurn[] | undefined {
  if (session.full || !kept) return undefined;
  if (stored !== kept.traces + session.traces.length || stored >= options.maxTraces) return undefined;
  const added: KeptTurn[] = [];
  for (const t of session.traces) {
    const row = rows.get(t.traceId);
    if (!row || row.sessionId !== session.sessionId || row.spanCount !== t.spanCount) return undefined;
    if (options.hadEarlyFeedback(t.projectId, t.traceId)) return undefined;
    const turn = pendingTurn(t);
    if (turn) added.push(turn);
  }
  added.sort(turnOrder);
  if (kept.last && added.length > 0 && turnOrder(added[0]!, kept.last) <= 0) return undefined;
  return added;
}
