import type { SignalKind, SignalRecord } from '../core/signal.js';
import { type SpanRef, spanRefKey } from '../core/trace-store.js';
import type { Embedder } from '../embeddings/embedder.js';
import { cosine } from '../embeddings/vector.js';
import { normaliseText, type SessionTurn, type SignalOptions } from './signals.js';

/**
 * The signals of a session extended by its new turns, without reading the session back: what
 * `sessionSignals` (signals.ts) gives for the traces that change when turns are appended at the end,
 * from what is kept of the session between commits — its last turn (with its user text's vector
 * once computed) and its last conversation so far. Only the last turn's and the new turns' signals
 * can change, so only theirs are written. `signals-incremental.test.ts` checks that the two agree.
 * Turns name the span their user text is in; the texts a comparison needs are read from the store
 * for it (`textsNeeded`), not kept.
 */

/** A turn as the incremental path keeps it: no texts, only where its user text is and whether it had a reply. */
export interface KeptTurn {
  traceId: string;
  startMs: number;
  endMs: number;
  /** The span whose input holds the user text: the trace's first call. */
  userSpanId: string;
  hasOutput: boolean;
  positiveFeedback: boolean;
}

export interface SessionState {
  /** The session's traces in the store (with a model or not) when the state was taken. */
  traces: number;
  /** The latest turn, its retry/rephrase signal and, once computed, its user text's vector. */
  last?: KeptTurn & { pair?: { kind: SignalKind; value: number }; vector?: Float32Array };
  /** The conversation the last turn is in: its first start, its turns, whether any was liked. */
  conversation?: { firstStartMs: number; turns: number; liked: boolean };
}

export const keptTurn = (t: SessionTurn): KeptTurn => ({
  traceId: t.traceId,
  startMs: t.startMs,
  endMs: t.endMs,
  userSpanId: t.userSpanId ?? '',
  hasOutput: t.outputText.trim() !== '',
  positiveFeedback: t.positiveFeedback,
});

/** The order of turns in a session (as `sessionTurns` sorts them). */
export const turnOrder = (a: KeptTurn, b: KeptTurn) =>
  a.startMs - b.startMs || a.traceId.localeCompare(b.traceId);

/**
 * The state `extendSession` continues from, taken from a session's full list of turns (ordered) and
 * its number of traces. The pair signal of the last turn is recomputed, with the same embedder.
 */
export async function stateFromTurns(
  turns: SessionTurn[],
  traces: number,
  embedder: Embedder,
  options: SignalOptions,
): Promise<SessionState> {
  const kept = turns.map(keptTurn);
  if (kept.length === 0) return { traces };
  let first = kept.length - 1;
  while (first > 0 && kept[first]!.startMs - kept[first - 1]!.endMs <= options.abandonMs) first -= 1;
  const conversation = kept.slice(first);
  const previous = first < kept.length - 1 ? kept[kept.length - 2] : undefined;
  const last = kept[kept.length - 1]!;
  const texts = new Map(turns.map((t) => [t.traceId, t.userText]));
  const textOf = (t: KeptTurn) => texts.get(t.traceId) ?? '';
  const vectors = new Map<string, Float32Array>();
  const { pair, vector } = await pairOf(previous, last, textOf, undefined, vectors, embedder, options);
  return {
    traces,
    last: lastTurn(last, pair, vector),
    conversation: {
      firstStartMs: conversation[0]!.startMs,
      turns: conversation.length,
      liked: conversation.some((t) => t.positiveFeedback),
    },
  };
}

/** The retry or rephrase signal of `turn` after `prev` in one conversation, as `sessionSignals` gives it. */
async function pairOf(
  prev: KeptTurn | undefined,
  turn: KeptTurn,
  textOf: (t: KeptTurn) => string,
  prevVector: Float32Array | undefined,
  vectors: Map<string, Float32Array>,
  embedder: Embedder,
  options: SignalOptions,
): Promise<{ pair?: { kind: SignalKind; value: number }; vector?: Float32Array }> {
  if (!prev || turn.startMs - prev.endMs > options.windowMs) return {};
  const [prevText, text] = [textOf(prev), textOf(turn)];
  const [a, b] = [normaliseText(prevText), normaliseText(text)];
  if (a === '' || b === '') return {};
  if (a === b) return { pair: { kind: 'retry', value: 1 } };
  if (prevVector) vectors.set(prevText, prevVector);
  const missing = [prevText, text].filter((t, i, all) => !vectors.has(t) && all.indexOf(t) === i);
  if (missing.length > 0) {
    const embedded = await embedder.embed(missing);
    for (const [i, t] of missing.entries()) vectors.set(t, embedded[i]!);
  }
  const vector = vectors.get(text)!;
  const cos = cosine(vectors.get(prevText)!, vector);
  return { vector, pair: cos >= options.rephraseThreshold ? { kind: 'rephrase', value: cos } : undefined };
}

/**
 * The kept last turn, always built with the same properties in the same order: made by spreading
 * (`{ ...turn, ...(pair ? { pair } : {}) }`) each got a hidden class of its own, ~36,000 of them
 * (4 MB) in a heap under twice the load, and property reads on them went megamorphic.
 */
function lastTurn(
  t: KeptTurn,
  pair?: { kind: SignalKind; value: number },
  vector?: Float32Array,
): NonNullable<SessionState['last']> {
  return {
    traceId: t.traceId,
    startMs: t.startMs,
    endMs: t.endMs,
    userSpanId: t.userSpanId,
    hasOutput: t.hasOutput,
    positiveFeedback: t.positiveFeedback,
    pair,
    vector,
  };
}

const userSpan = (t: KeptTurn): SpanRef => ({ traceId: t.traceId, spanId: t.userSpanId });

/** The pairs of turns `extendSession` compares when it appends `added` to `state` (previous, next). */
function pairsCompared(
  state: SessionState,
  added: KeptTurn[],
  options: SignalOptions,
): [KeptTurn, KeptTurn][] {
  const out: [KeptTurn, KeptTurn][] = [];
  let last: KeptTurn | undefined = state.last;
  for (const turn of added) {
    const gap = last ? turn.startMs - last.endMs : Number.POSITIVE_INFINITY;
    if (last && gap <= options.abandonMs && gap <= options.windowMs) out.push([last, turn]);
    last = turn;
  }
  return out;
}

/** The spans whose user texts `extendSession` compares when it appends `added` to `state`. */
export function textsNeeded(state: SessionState, added: KeptTurn[], options: SignalOptions): SpanRef[] {
  return pairsCompared(state, added, options).flatMap(([a, b]) => [userSpan(a), userSpan(b)]);
}

/**
 * The user texts whose vectors `extendSession` may ask for when it appends `added` to `state`:
 * those of the pairs it compares, but the kept last turn's when its vector is kept. A round embeds
 * them in one call (`extendSession` then finds them in its `vectors`); retries and empty texts,
 * which are not embedded, are included, as telling them apart here would normalise every text twice.
 */
export function textsToEmbed(
  state: SessionState,
  added: KeptTurn[],
  texts: ReadonlyMap<string, string>,
  options: SignalOptions,
): string[] {
  const out: string[] = [];
  for (const [prev, turn] of pairsCompared(state, added, options)) {
    if (!(prev === state.last && state.last.vector)) out.push(texts.get(spanRefKey(userSpan(prev))) ?? '');
    out.push(texts.get(spanRefKey(userSpan(turn))) ?? '');
  }
  return out;
}

export interface Extension {
  state: SessionState;
  /** The traces whose signals these are: every signal of theirs is replaced by these. */
  traceIds: string[];
  signals: SignalRecord[];
}

/**
 * Appends `added` (new traces of the session, ordered, all after `state.last`) and gives the signals
 * of the traces that change: the previous last turn and the new ones. With nothing added it
 * re-evaluates the last turn at `now` (the sweep: abandonment once the timeout has passed).
 */
export async function extendSession(
  state: SessionState,
  projectId: string,
  sessionId: string,
  added: KeptTurn[],
  addedTraces: number,
  /** The user texts `textsNeeded` names, by `spanRefKey` (a span not there has no text). */
  texts: ReadonlyMap<string, string>,
  embedder: Embedder,
  now: number,
  options: SignalOptions,
  /** Vectors of user texts already embedded (a round's, `textsToEmbed`); the missing are embedded here. */
  vectors: Map<string, Float32Array> = new Map(),
): Promise<Extension> {
  const signals: SignalRecord[] = [];
  const add = (traceId: string, kind: SignalKind, value: number) =>
    signals.push({ projectId, traceId, sessionId, kind, value, computedMs: now });
  const ended = (t: KeptTurn, c: NonNullable<SessionState['conversation']>, over: boolean) => {
    add(t.traceId, 'turns', c.turns);
    add(t.traceId, 'time_to_completion_ms', t.endMs - c.firstStartMs);
    if (over && t.hasOutput && !c.liked) add(t.traceId, 'abandoned', 1);
  };
  let last = state.last;
  const c = state.conversation;
  let conversation = c ? { firstStartMs: c.firstStartMs, turns: c.turns, liked: c.liked } : undefined;
  const traceIds = last ? [last.traceId] : [];
  const textOf = (t: KeptTurn) => texts.get(spanRefKey(userSpan(t))) ?? '';
  for (const turn of added) {
    let next = lastTurn(turn);
    if (last && conversation && turn.startMs - last.endMs <= options.abandonMs) {
      conversation.turns += 1;
      conversation.liked ||= turn.positiveFeedback;
      const { pair, vector } = await pairOf(last, turn, textOf, last.vector, vectors, embedder, options);
      next = lastTurn(turn, pair, vector);
    } else {
      if (last && conversation) ended(last, conversation, true);
      conversation = { firstStartMs: turn.startMs, turns: 1, liked: turn.positiveFeedback };
    }
    if (last?.pair) add(last.traceId, last.pair.kind, last.pair.value);
    // The vector of a turn is kept only while it is the last one: the next comparison needs no other.
    if (last) last.vector = undefined;
    last = next;
    traceIds.push(turn.traceId);
  }
  if (last && conversation) {
    if (last.pair) add(last.traceId, last.pair.kind, last.pair.value);
    ended(last, conversation, now - last.endMs >= options.abandonMs);
  }
  return {
    state: { traces: state.traces + addedTraces, last, conversation },
    traceIds,
    signals,
  };
}
