import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceStore } from '../src/core/trace-store.js';
import { createLocalEmbedder } from '../src/embeddings/local.js';
import { IngestQueue } from '../src/monitor/ingest-queue.js';
import { DEFAULT_SIGNAL_OPTIONS } from '../src/monitor/signals.js';
import { SignalTracker } from '../src/monitor/signals-tracker.js';
import { openTraceStore } from '../src/store/open.js';
import { batch as batchOf, feedback, span } from './helpers/trace-store-contract.js';
import { until } from './helpers/until.js';

let store: TraceStore;
let projectId: string;
beforeAll(async () => {
  store = await openTraceStore(':memory:');
  projectId = (await store.ensureProject('sweep')).id;
});
afterAll(() => store.close());

/**
 * Two sessions, `${prefix}-a` and `${prefix}-b`, of one trace each: a long agent run that ended a
 * second before `now` and started 40 minutes before that, farther back than the lookup's usual ten
 * minutes before the minute it ended in.
 */
const longRuns = (project: string, prefix: string, now: number) =>
  batchOf({
    spans: ['a', 'b'].map((id) =>
      span(project, `${prefix}-${id}`, 'a', {
        sessionId: `${prefix}-${id}`,
        startMs: now - 1_000 - 40 * 60_000,
        endMs: now - 1_000,
      }),
    ),
  });

/** Both sessions of `longRuns` were marked abandoned. */
async function expectAbandoned(on: TraceStore, project: string, prefix: string) {
  for (const id of ['a', 'b'])
    expect(
      (await on.signalsForTrace(project, `${prefix}-${id}`)).map((s) => s.kind),
      id,
    ).toContain('abandoned');
}

describe('SignalTracker', () => {
  it('abandonment waits for the timeout; the sweep then records it without new traffic', async () => {
    let now = 5_000_000;
    const tracker = new SignalTracker(store, { embedder: createLocalEmbedder(), now: () => now });
    const batch = batchOf({
      spans: [span(projectId, 'sw-1', 'a', { sessionId: 'sw', startMs: now - 10_000, endMs: now - 9_000 })],
    });
    await store.writeIngest(batch);
    tracker.onCommit(batch);
    await tracker.settled();
    // The conversation is going on: its turns so far, not abandoned yet.
    expect((await store.signalsForTrace(projectId, 'sw-1')).map((s) => s.kind).sort()).toEqual([
      'time_to_completion_ms',
      'turns',
    ]);
    now += DEFAULT_SIGNAL_OPTIONS.abandonMs;
    tracker.sweep();
    await tracker.settled();
    expect((await store.signalsForTrace(projectId, 'sw-1')).map((s) => s.kind).sort()).toEqual([
      'abandoned',
      'time_to_completion_ms',
      'turns',
    ]);
    await tracker.close();
  });

  it('past maxWaiting sessions waiting, the longest-waiting is looked up in the store once its timeout passed', async () => {
    let now = 9_000_000;
    const tracker = new SignalTracker(store, {
      embedder: createLocalEmbedder(),
      now: () => now,
      maxWaiting: 2,
    });
    const commit = async (id: string) => {
      const batch = batchOf({
        spans: [
          span(projectId, `mw-${id}`, 'a', { sessionId: `mw-${id}`, startMs: now - 1_000, endMs: now - 900 }),
        ],
      });
      await store.writeIngest(batch);
      tracker.onCommit(batch);
      await tracker.settled();
      now += 1_000;
    };
    await commit('a');
    await commit('b');
    await commit('a'); // a new message: session a waits again, now after b
    await commit('c'); // a third waiting session: b has waited longest, and is spilled
    expect(tracker.stats().spilled).toBe(1);
    const kinds = async (id: string) =>
      (await store.signalsForTrace(projectId, `mw-${id}`)).map((s) => s.kind);
    // Not before its timeout.
    now += DEFAULT_SIGNAL_OPTIONS.abandonMs - 5_000;
    tracker.sweep();
    await tracker.settled();
    expect(await kinds('b')).not.toContain('abandoned');
    // Spilled sessions are looked up by the minute their last trace ended in: at most a minute late.
    now += 5_000 + 60_000;
    tracker.sweep();
    await tracker.settled();
    expect(await kinds('c')).toContain('abandoned');
    expect(await kinds('b')).toContain('abandoned');
    await tracker.close();
  });

  it('sessions not taken because too many were pending get their signals at their timeout, from the store', async () => {
    let now = 12_000_000;
    const tracker = new SignalTracker(store, {
      embedder: createLocalEmbedder(),
      now: () => now,
      maxPending: 1,
    });
    const batch = batchOf({
      spans: ['d1', 'd2'].map((id) =>
        span(projectId, `mp-${id}`, 'a', { sessionId: `mp-${id}`, startMs: now - 2_000, endMs: now - 1_000 }),
      ),
    });
    await store.writeIngest(batch);
    tracker.onCommit(batch); // d1 is pending: d2 is not taken
    await tracker.settled();
    expect(tracker.stats()).toMatchObject({ dropped: 1, spilled: 1 });
    const kinds = async (id: string) =>
      (await store.signalsForTrace(projectId, `mp-${id}`)).map((s) => s.kind).sort();
    expect(await kinds('d1')).toEqual(['time_to_completion_ms', 'turns']);
    expect(await kinds('d2')).toEqual([]);
    now += DEFAULT_SIGNAL_OPTIONS.abandonMs + 60_000;
    tracker.sweep();
    await tracker.settled();
    expect(await kinds('d1')).toEqual(['abandoned', 'time_to_completion_ms', 'turns']);
    expect(await kinds('d2')).toEqual(['abandoned', 'time_to_completion_ms', 'turns']);
    await tracker.close();
  });

  it.each([
    ['not taken because too many were pending', 'lp', { maxPending: 1 }],
    ['crowded out of the sessions waiting for their timeout', 'lw', { maxWaiting: 1 }],
  ])(
    'a spilled session whose last trace ran 40 minutes is still found at its timeout (%s)',
    async (_, prefix, bound) => {
      let now = 70_000_000;
      const tracker = new SignalTracker(store, { embedder: createLocalEmbedder(), now: () => now, ...bound });
      const batch = longRuns(projectId, prefix, now);
      await store.writeIngest(batch);
      tracker.onCommit(batch); // b is spilled: not taken, or crowding a out of the waiting
      await tracker.settled();
      expect(tracker.stats().spilled).toBe(1);
      now += DEFAULT_SIGNAL_OPTIONS.abandonMs + 60_000;
      tracker.sweep();
      await tracker.settled();
      await expectAbandoned(store, projectId, prefix);
      await tracker.close();
    },
  );

  it('a session taken up from the store on a restart and spilled is found from its long last trace’s start', async () => {
    // A store of its own: a restart takes up every recent session in the store.
    const own = await openTraceStore(':memory:');
    const project = (await own.ensureProject('restart')).id;
    let now = 80_000_000;
    await own.writeIngest(longRuns(project, 'rl', now));
    // A new process: both sessions wait for their timeout again, but only one fits.
    const tracker = new SignalTracker(own, {
      embedder: createLocalEmbedder(),
      now: () => now,
      maxWaiting: 1,
    });
    tracker.restore();
    await tracker.settled();
    expect(tracker.stats().spilled).toBe(1);
    now += DEFAULT_SIGNAL_OPTIONS.abandonMs + 60_000;
    tracker.sweep();
    await tracker.settled();
    await expectAbandoned(own, project, 'rl');
    await tracker.close();
    await own.close();
  });

  it.each([
    ['its timeout swept already', 'fl', true],
    ['its timeout due at the same sweep', 'fd', false],
  ])(
    'feedback on a session not taken because too many were pending is recomputed in full by the next sweep (%s)',
    async (_, id, sweptFirst) => {
      let now = 14_000_000;
      const tracker = new SignalTracker(store, {
        embedder: createLocalEmbedder(),
        now: () => now,
        maxPending: 1,
      });
      const kinds = async (traceId: string) =>
        (await store.signalsForTrace(projectId, traceId)).map((s) => s.kind).sort();
      const commit = async (b: ReturnType<typeof batchOf>) => {
        await store.writeIngest(b);
        tracker.onCommit(b);
        await tracker.settled();
      };
      // A session long over: abandoned after its reply.
      const old = { sessionId: id, startMs: now - 4_000_000, endMs: now - 3_999_000 };
      await commit(batchOf({ spans: [span(projectId, `${id}-1`, 'a', old)] }));
      expect(await kinds(`${id}-1`)).toContain('abandoned');
      // Swept, the session no longer waits for its timeout: the feedback's sweep must find room for it.
      if (sweptFirst) {
        tracker.sweep();
        await tracker.settled();
      }
      // A thumbs-up on its reply comes with another session's trace, which fills maxPending first.
      const thumb = feedback(projectId, `${id}-1`, `${id}-thumb`, { value: 1, timestampMs: now });
      const other = { sessionId: `${id}-other`, startMs: now - 2_000, endMs: now - 1_000 };
      await commit(batchOf({ spans: [span(projectId, `${id}-2`, 'a', other)], feedback: [thumb] }));
      expect(tracker.stats().dropped).toBe(1);
      expect(await kinds(`${id}-2`)).toContain('turns');
      expect(await kinds(`${id}-1`)).toContain('abandoned');
      // The next sweep has room: the liked reply is no longer abandoned.
      now += 60_000;
      tracker.sweep();
      await tracker.settled();
      expect(await kinds(`${id}-1`)).toEqual(['time_to_completion_ms', 'turns']);
      await tracker.close();
    },
  );

  it('spilled sessions hours apart are looked up minute by minute around each, not the hours between', async () => {
    let now = 40_000_000;
    const ranges: [number, number | undefined][] = [];
    // The real store, its lookups of recent sessions noted.
    const watched = new Proxy(store, {
      get(target, name) {
        if (name === 'recentSessions')
          return (since: number, until?: number) => {
            ranges.push([since, until]);
            return target.recentSessions(since, until);
          };
        const value = Reflect.get(target, name);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const tracker = new SignalTracker(watched, {
      embedder: createLocalEmbedder(),
      now: () => now,
      maxPending: 1,
    });
    const ends = { h0: now - 1_000, h1: now - 1_000, h5: now - 5 * 3_600_000 };
    const batch = batchOf({
      spans: Object.entries(ends).map(([id, endMs]) =>
        span(projectId, `hs-${id}`, 'a', { sessionId: `hs-${id}`, startMs: endMs - 500, endMs }),
      ),
    });
    await store.writeIngest(batch);
    tracker.onCommit(batch); // h0 is taken; h1 and h5 are spilled
    await tracker.settled();
    now += DEFAULT_SIGNAL_OPTIONS.abandonMs + 60_000;
    tracker.sweep();
    await tracker.settled();
    // Two runs of a minute each, from ten minutes before: 22 queries of a minute, none of the hours between.
    expect(ranges).toHaveLength(22);
    for (const [since, until] of ranges) expect(until! - since).toBe(60_000);
    const covered = (t: number) => ranges.some(([since, until]) => since <= t && t < until!);
    expect(covered(ends.h1 - 500) && covered(ends.h5 - 500)).toBe(true);
    expect(covered(ends.h5 + 3_600_000)).toBe(false);
    for (const id of ['h1', 'h5'])
      expect((await store.signalsForTrace(projectId, `hs-${id}`)).map((s) => s.kind)).toContain('abandoned');
    await tracker.close();
  });

  it('the timeout runs from the last trace’s end, not its arrival; an earlier turn sent late does not bring it forward', async () => {
    const start = 15_000_000;
    let now = start;
    const tracker = new SignalTracker(store, { embedder: createLocalEmbedder(), now: () => now });
    const commit = async (traceId: string, endMs: number) => {
      const batch = batchOf({
        spans: [span(projectId, traceId, 'a', { sessionId: 'lt', startMs: endMs - 500, endMs })],
      });
      await store.writeIngest(batch);
      tracker.onCommit(batch);
      await tracker.settled();
    };
    // Both exported ten minutes after they ended.
    await commit('lt-2', start - 600_000);
    await commit('lt-1', start - 660_000); // the earlier turn
    now = start - 660_000 + DEFAULT_SIGNAL_OPTIONS.abandonMs + 1_000;
    tracker.sweep();
    await tracker.settled();
    expect((await store.signalsForTrace(projectId, 'lt-2')).map((s) => s.kind)).not.toContain('abandoned');
    // The timeout from lt-2's end has passed, 29 minutes after it arrived.
    now = start - 600_000 + DEFAULT_SIGNAL_OPTIONS.abandonMs + 1_000;
    tracker.sweep();
    await tracker.settled();
    expect((await store.signalsForTrace(projectId, 'lt-2')).map((s) => s.kind)).toContain('abandoned');
    await tracker.close();
  });

  it('a round embeds the user texts it compares in one call to the embedder', async () => {
    const local = createLocalEmbedder();
    const calls: string[][] = [];
    const counting = {
      id: local.id,
      embed: (texts: string[]) => {
        calls.push(texts);
        return local.embed(texts);
      },
    };
    const now = 20_000_000;
    const tracker = new SignalTracker(store, { embedder: counting, now: () => now });
    const commit = async (turn: number, texts: string[]) => {
      const batch = batchOf({
        spans: texts.map((content, s) =>
          span(projectId, `oc-${s}-${turn}`, 'a', {
            sessionId: `oc-${s}`,
            startMs: now - 60_000 + turn * 10_000,
            endMs: now - 59_000 + turn * 10_000,
            input: [{ role: 'user', content }],
          }),
        ),
      });
      await store.writeIngest(batch);
      tracker.onCommit(batch);
      await tracker.settled();
    };
    await commit(0, ['Where is my order?', 'Cancel my plan', 'Reset my password']);
    expect(calls).toEqual([]);
    await commit(1, [
      'Where is my order now?',
      'Please cancel my subscription',
      'What are your opening hours?',
    ]);
    // Three sessions, each a pair of new texts: six texts, one call.
    expect(calls).toHaveLength(1);
    expect(calls[0]!.sort()).toEqual(
      [
        'Cancel my plan',
        'Please cancel my subscription',
        'Reset my password',
        'What are your opening hours?',
        'Where is my order?',
        'Where is my order now?',
      ].sort(),
    );
    const rephrase = await store.signalsForTrace(projectId, 'oc-0-1');
    expect(rephrase.find((s) => s.kind === 'rephrase')?.value).toBeGreaterThan(0.8);
    await tracker.close();
  });

  it('the rephrase cosine is the configured embedder’s', async () => {
    // An embedder that sees every text alike: any next message in the window is a rephrase.
    const same = {
      id: 'test:same',
      embed: async (texts: string[]) => texts.map(() => Float32Array.of(1, 0, 0)),
    };
    const tracker = new SignalTracker(store, { embedder: same, now: () => 6_000_000 });
    const batch = batchOf({
      spans: [
        span(projectId, 'em-1', 'a', { sessionId: 'em', startMs: 5_900_000, endMs: 5_900_100 }),
        span(projectId, 'em-2', 'b', {
          sessionId: 'em',
          startMs: 5_910_000,
          endMs: 5_910_100,
          input: [{ role: 'user', content: 'Something else entirely' }],
        }),
      ],
    });
    await store.writeIngest(batch);
    tracker.onCommit(batch);
    await tracker.close();
    expect((await store.signalsForTrace(projectId, 'em-2')).find((s) => s.kind === 'rephrase')?.value).toBe(
      1,
    );
  });

  it('recomputes wait while the attached queue is busy; closing ends the wait', async () => {
    const queue = new IngestQueue((b) => store.writeIngest(b));
    const tracker = new SignalTracker(store, { embedder: createLocalEmbedder() }).attach(queue);
    const batch = batchOf({
      spans: [span(projectId, 'bz-1', 'a', { sessionId: 'bz', startMs: 7_000_000, endMs: 7_000_100 })],
    });
    queue.enter();
    await queue.submit(batch);
    // A request is still in progress: the session waits.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(tracker.counts.recomputed).toBe(0);
    expect(await store.signalsForTrace(projectId, 'bz-1')).toEqual([]);
    await tracker.close();
    expect(tracker.counts.recomputed).toBe(1);
    expect((await store.signalsForTrace(projectId, 'bz-1')).length).toBeGreaterThan(0);
    queue.leave();
  });

  it('under pressure (as many sessions waiting as `pressure`) rounds run while the queue is busy', async () => {
    const queue = new IngestQueue((b) => store.writeIngest(b));
    const now = Date.now();
    const tracker = new SignalTracker(store, { embedder: createLocalEmbedder(), pressure: 3 }).attach(queue);
    const commit = async (sessionId: string) => {
      const batch = batchOf({
        spans: [
          span(projectId, `pr-${sessionId}`, 'a', { sessionId, startMs: now - 1_000, endMs: now - 900 }),
        ],
      });
      await queue.submit(batch);
    };
    // A request stays in progress throughout: no quiet spell ever comes.
    queue.enter();
    await commit('pr-a');
    await commit('pr-b');
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Below the pressure the sessions wait for a quiet spell.
    expect(tracker.counts.recomputed).toBe(0);
    await commit('pr-c');
    await tracker.settled();
    expect(tracker.counts.recomputed).toBe(3);
    for (const id of ['a', 'b', 'c'])
      expect((await store.signalsForTrace(projectId, `pr-pr-${id}`)).map((s) => s.kind).sort()).toEqual([
        'time_to_completion_ms',
        'turns',
      ]);
    queue.leave();
    await tracker.close();
  });

  it('under pressure a round’s wait for an embedder working elsewhere is not counted as its time', async () => {
    const local = createLocalEmbedder();
    // Vectors from another thread or server: 400 ms of waiting, none of this thread's time.
    const remote = {
      id: 'test:elsewhere',
      embed: async (texts: string[]) => {
        await new Promise((r) => setTimeout(r, 400));
        return local.embed(texts);
      },
    };
    const pauseAfterEmbedding = async (embedsElsewhere: boolean) => {
      const queue = new IngestQueue((b) => store.writeIngest(b));
      const tracker = new SignalTracker(store, { embedder: remote, embedsElsewhere, pressure: 1 }).attach(
        queue,
      );
      const now = Date.now();
      const commit = (turn: number) =>
        queue.submit(
          batchOf({
            spans: [
              span(projectId, `ee-${embedsElsewhere}-${turn}`, 'a', {
                sessionId: `ee-${embedsElsewhere}`,
                startMs: now - 60_000 + turn * 10_000,
                endMs: now - 59_000 + turn * 10_000,
                input: [{ role: 'user', content: turn === 0 ? 'Where is my order?' : 'Cancel my plan' }],
              }),
            ],
          }),
        );
      queue.enter(); // no quiet spell: rounds run under pressure
      await commit(0);
      await until('the first round', async () => tracker.counts.recomputed === 1, 10_000);
      await commit(1); // a pair to compare: the round waits 400 ms for its vectors
      await until('the round that embeds', async () => tracker.counts.recomputed === 2, 10_000);
      const pause = tracker.pauseMs;
      queue.leave();
      await tracker.close();
      return pause;
    };
    // Counted as the round's own, the wait makes the longest pause (200 ms); not counted, the round's
    // few milliseconds of its own make a pause of a few times that.
    expect(await pauseAfterEmbedding(false)).toBe(200);
    // (Under 200 while the round's own work, a few milliseconds, stays under 50 ms on a busy machine.)
    expect(await pauseAfterEmbedding(true)).toBeLessThan(200);
  });

  it('under pressure one slow round holds the next back for at most 200 ms, not four times its length', async () => {
    const queue = new IngestQueue((b) => store.writeIngest(b));
    const now = Date.now();
    // The first round's store read takes 1.5 s of wall time (as a loading embedder or a remote one can):
    // uncapped, the next round would wait 6 s.
    let slow = true;
    const slowStore = new Proxy(store, {
      get(target, key) {
        const value = Reflect.get(target, key) as unknown;
        if (typeof value !== 'function') return value;
        if (key === 'sessionTraceCounts')
          return async (...args: unknown[]) => {
            if (slow) {
              slow = false;
              await new Promise((r) => setTimeout(r, 1_500));
            }
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
    const tracker = new SignalTracker(slowStore, { embedder: createLocalEmbedder(), pressure: 1 }).attach(
      queue,
    );
    const commit = (sessionId: string) =>
      queue.submit(
        batchOf({
          spans: [
            span(projectId, `sl-${sessionId}`, 'a', { sessionId, startMs: now - 1_000, endMs: now - 900 }),
          ],
        }),
      );
    // A request stays in progress throughout: no quiet spell ever comes.
    queue.enter();
    await commit('sl-a');
    await until('the slow round', async () => tracker.counts.recomputed === 1, 10_000);
    const t0 = performance.now();
    await commit('sl-b');
    await until('the next round', async () => tracker.counts.recomputed === 2, 10_000);
    expect(performance.now() - t0).toBeLessThan(1_500);
    queue.leave();
    await tracker.close();
  });
});
