import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalRecord } from '../src/core/signal.js';
import { emptyBatch, type IngestBatch, type SpanRecord } from '../src/core/trace.js';
import type { TraceStore } from '../src/core/trace-store.js';
import { createLocalEmbedder } from '../src/embeddings/local.js';
import { DEFAULT_SIGNAL_OPTIONS } from '../src/monitor/signals.js';
import { recomputeSession } from '../src/monitor/signals-session.js';
import { SignalTracker } from '../src/monitor/signals-tracker.js';
import { createRng } from '../src/stats/random.js';
import { openTraceStore } from '../src/store/open.js';
import { batch as batchOf, span } from './helpers/trace-store-contract.js';

/**
 * The tracker extends sessions by their new turns from what it keeps in memory, and reads a session
 * from the store only when that cannot be trusted. On a random stream of many sessions (retries,
 * rephrases, gaps around the window and the timeout, empty texts, replies and feedback, spans of a
 * trace split over commits, traces out of order, spans resent), what it stored must be what a full
 * recompute of every session gives.
 */

let store: TraceStore;
/** The project of the case running: each case streams the same ids into a project of its own. */
let projectId: string;
beforeAll(async () => {
  store = await openTraceStore(':memory:');
});
afterAll(() => store.close());

const TEXTS = [
  'How do I reset my password?',
  'how do i   RESET my password?',
  'How can I reset the password of my account?',
  'What are your opening hours on Sunday?',
  'When are you open on Sundays?',
  'Cancel my subscription please',
  'I want to cancel my plan',
  'Where is my order?',
  '',
];

const { windowMs, abandonMs } = DEFAULT_SIGNAL_OPTIONS;

/** One trace: an agent span (the session on it, sometimes only there) and one to three LLM calls. */
function trace(r: () => number, sessionId: string, traceId: string, startMs: number): SpanRecord[] {
  const onRoot = r() < 0.3;
  const calls = 1 + Math.floor(r() * 3);
  const out: SpanRecord[] = [
    span(projectId, traceId, `${traceId}-root`, {
      sessionId,
      model: null,
      startMs,
      endMs: startMs + 4000,
      input: [],
      output: [],
    }),
  ];
  for (let i = 0; i < calls; i++) {
    const text = TEXTS[Math.floor(r() * TEXTS.length)]!;
    out.push(
      span(projectId, traceId, `${traceId}-llm${i}`, {
        sessionId: onRoot ? null : sessionId,
        startMs: startMs + 10 + i * 1000,
        endMs: startMs + 10 + i * 1000 + Math.floor(r() * 3000),
        input: [
          { role: 'system', content: 'You are helpful.' },
          { role: 'user', content: text },
        ],
        output: r() < 0.15 ? [] : [{ role: 'assistant', content: 'Here is how.' }],
      }),
    );
  }
  return out;
}

/** Gaps around the thresholds: within the window, past it, past the timeout, and exactly on each. */
function gap(r: () => number): number {
  const x = r();
  if (x < 0.35) return Math.floor(r() * windowMs * 0.5);
  if (x < 0.45) return windowMs - 4000;
  if (x < 0.7) return windowMs + Math.floor(r() * (abandonMs - windowMs));
  if (x < 0.8) return abandonMs - 4000;
  if (x < 0.85) return abandonMs - 3999;
  return abandonMs + Math.floor(r() * abandonMs);
}

const canon = (signals: SignalRecord[]) =>
  signals
    .map((s) => `${s.traceId} ${s.kind} ${s.value}`)
    .sort()
    .join('\n');

describe('incremental signals', () => {
  // With few traces allowed to wait in all, sessions past the bound drop what they kept and are read
  // from the store instead: the signals must not change.
  it.each<[string, { maxPendingTraces?: number }]>([
    ['as traffic comes', {}],
    ['with at most 6 traces pending in all', { maxPendingTraces: 6 }],
  ])(
    'agree with a full recompute of every session on a random multi-session stream (%s)',
    async (name, bound) => {
      projectId = (await store.ensureProject(`incremental ${name}`)).id;
      const seeded = createRng(20261205);
      const r = () => seeded.next();
      const T0 = 1_800_000_000_000;
      let now = T0;
      const tracker = new SignalTracker(store, { embedder: createLocalEmbedder(), now: () => now, ...bound });
      let mostPending = 0;
      // Every session's traces, in time order.
      const sessions = Array.from({ length: 16 }, (_, s) => {
        let t = T0 + Math.floor(r() * 3_600_000);
        return Array.from({ length: 3 + Math.floor(r() * 20) }, (_, i) => {
          t += gap(r);
          return trace(r, `inc-s${s}`, `inc-s${s}-t${i}`, t);
        });
      });
      // Interleaved by start, then disturbed: a trace now and then swapped with the next, a trace's
      // last span now and then held back to a later commit.
      const stream = sessions.flat().sort((a, b) => a[0]!.startMs - b[0]!.startMs);
      for (let i = 0; i + 1 < stream.length; i++)
        if (r() < 0.05) [stream[i], stream[i + 1]] = [stream[i + 1]!, stream[i]!];
      const held: SpanRecord[] = [];
      let previous: SpanRecord[] = [];
      const feedback: IngestBatch['feedback'] = [];
      let fb = 0;
      for (let i = 0; i < stream.length; ) {
        const batch = emptyBatch();
        const size = 1 + Math.floor(r() * 6);
        for (const spans of stream.slice(i, i + size)) {
          if (r() < 0.08 && spans.length > 2) {
            batch.spans.push(...spans.slice(0, -1));
            held.push(spans[spans.length - 1]!);
          } else batch.spans.push(...spans);
          if (r() < 0.06)
            batch.feedback.push({
              projectId,
              id: `inc-fb${fb++}`,
              traceId: spans[0]!.traceId,
              name: 'thumbs',
              value: r() < 0.7 ? 1 : -1,
              comment: null,
              correction: null,
              escalated: false,
              userId: null,
              timestampMs: spans[0]!.startMs,
            });
        }
        if (r() < 0.3) batch.spans.push(...held.splice(0));
        // A span now and then resent (a retrying exporter): stored once, seen twice by the tracker.
        if (previous.length > 0 && r() < 0.1) batch.spans.push(previous[Math.floor(r() * previous.length)]!);
        previous = batch.spans;
        i += size;
        now = Math.max(now, ...batch.spans.map((s) => s.endMs ?? s.startMs));
        await store.writeIngest(batch);
        feedback.push(...batch.feedback);
        tracker.onCommit(batch);
        mostPending = Math.max(mostPending, tracker.stats().pendingTraces);
        if (r() < 0.3) await tracker.settled();
        if (r() < 0.1) tracker.sweep();
      }
      const late = batchOf({ spans: held.splice(0) });
      await store.writeIngest(late);
      tracker.onCommit(late);
      await tracker.settled();
      // Every conversation over: each session's last turn is rechecked at a time past its timeout.
      now += 10 * abandonMs;
      tracker.sweep();
      await tracker.settled();
      expect(tracker.counts.failures).toBe(0);
      expect(tracker.counts.incremental).toBeGreaterThan(50);
      expect(tracker.counts.full).toBeGreaterThan(5);
      // The bound held (a new trace is kept only below it), and was reached.
      if (bound.maxPendingTraces) expect(mostPending).toBe(bound.maxPendingTraces);
      else expect(mostPending).toBeGreaterThan(6);

      const traceIds = (s: number) => sessions[s]!.map((t) => t[0]!.traceId);
      const stored = async (s: number) =>
        (await Promise.all(traceIds(s).map((id) => store.signalsForTrace(projectId, id)))).flat();
      let kinds = new Set<string>();
      for (let s = 0; s < sessions.length; s++) {
        const incremental = await stored(s);
        const full = await recomputeSession(store, projectId, `inc-s${s}`, {
          embedder: createLocalEmbedder(),
          signals: DEFAULT_SIGNAL_OPTIONS,
          now: () => now,
        });
        expect(canon(incremental), `session inc-s${s}`).toBe(canon(full));
        kinds = new Set([...kinds, ...full.map((x) => x.kind)]);
      }
      // The stream did exercise every kind.
      expect([...kinds].sort()).toEqual(['abandoned', 'rephrase', 'retry', 'time_to_completion_ms', 'turns']);
    },
    60_000,
  );
});
