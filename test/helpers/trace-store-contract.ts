import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalRecord } from '../../src/core/signal.js';
import type { FeedbackRecord, IngestBatch, SpanRecord, SpanScoreRecord } from '../../src/core/trace.js';
import { spanRefKey, type TraceStore } from '../../src/core/trace-store.js';
import { plantTraffic, T0 } from '../fixtures/traffic.js';

/** A trace store under test: `open()` opens the same database each time (durability is checked by reopening). */
export interface TraceStoreFixture {
  open(): Promise<TraceStore>;
  cleanup(): Promise<void>;
}

export function span(
  projectId: string,
  traceId: string,
  spanId: string,
  extra: Partial<SpanRecord> = {},
): SpanRecord {
  return {
    projectId,
    traceId,
    spanId,
    parentSpanId: null,
    name: `span ${spanId}`,
    kind: 'llm',
    startMs: 1_700_000_000_000,
    endMs: 1_700_000_000_250.5,
    model: 'gpt-4o-mini',
    provider: 'openai',
    operation: 'chat',
    inputTokens: 10,
    outputTokens: 20,
    totalTokens: 30,
    costUsd: 0.001,
    input: [{ role: 'user', content: 'What is the capital of France?' }],
    output: [{ role: 'assistant', content: 'Paris.', finishReason: 'stop' }],
    contexts: [{ content: 'France … Paris', id: 'doc1', score: 0.9 }],
    attributes: { 'gen_ai.request.temperature': 0.2, 'custom.flag': true, nested: { a: [1, 2] } },
    status: 'ok',
    error: null,
    sessionId: 'sess-1',
    userId: 'user-1',
    tags: { segment: 'enterprise' },
    promptVersion: null,
    source: 'otlp',
    ...extra,
  };
}

/** A batch of just these records. */
export const batch = (b: Partial<IngestBatch>): IngestBatch => ({
  spans: [],
  scores: [],
  feedback: [],
  events: [],
  ...b,
});

function score(projectId: string, traceId: string, spanId: string, name: string): SpanScoreRecord {
  return {
    projectId,
    traceId,
    spanId,
    name,
    value: 0.8,
    label: 'good',
    explanation: 'fine',
    source: 'otlp',
    createdMs: 1,
  };
}

export function feedback(
  projectId: string,
  traceId: string,
  id: string,
  extra: Partial<FeedbackRecord> = {},
): FeedbackRecord {
  return {
    projectId,
    id,
    traceId,
    name: 'thumbs',
    value: -1,
    comment: 'wrong city',
    correction: 'Paris',
    escalated: true,
    userId: 'user-1',
    timestampMs: 1_700_000_001_000,
    ...extra,
  };
}

/** The contract every trace store adapter passes: SQLite and PostgreSQL. */
export function traceStoreContract(name: string, makeFixture: () => Promise<TraceStoreFixture>): void {
  describe(`trace store contract: ${name}`, () => {
    let fixture: TraceStoreFixture;
    let store: TraceStore;
    let p1: string;
    let p2: string;
    beforeAll(async () => {
      fixture = await makeFixture();
      store = await fixture.open();
      p1 = (await store.ensureProject('alpha')).id;
      p2 = (await store.ensureProject('beta')).id;
    });
    afterAll(async () => {
      await store?.close();
      await fixture?.cleanup();
    });

    it('projects are created once by name', async () => {
      expect((await store.ensureProject('alpha')).id).toBe(p1);
      expect((await store.listProjects()).map((p) => p.name)).toEqual(['alpha', 'beta']);
      expect(await store.projectByName('nope')).toBeUndefined();
    });

    it('API keys: saved by hash, found by hash, revoked once', async () => {
      const key = {
        id: 'key_1',
        projectId: p1,
        hash: 'h'.repeat(64),
        prefix: 'assay_ab',
        createdAt: 'now',
        revokedAt: null,
      };
      await store.saveApiKey(key);
      expect(await store.apiKeyByHash(key.hash)).toEqual(key);
      expect(await store.apiKeyByHash('x')).toBeUndefined();
      expect(await store.revokeApiKey('key_1', 'later')).toBe(true);
      expect(await store.revokeApiKey('key_1', 'again')).toBe(false);
      expect(await store.revokeApiKey('nope', 'later')).toBe(false);
      expect((await store.apiKeyByHash(key.hash))?.revokedAt).toBe('later');
      expect((await store.listApiKeys()).map((k) => k.id)).toEqual(['key_1']);
    });

    it('a batch round-trips every span field, with scores and feedback, and sums the trace', async () => {
      const root = span(p1, 't1', 'a', { kind: 'agent', model: null, name: 'handle request', costUsd: null });
      const child = span(p1, 't1', 'b', {
        parentSpanId: 'a',
        startMs: 1_700_000_000_010,
        endMs: 1_700_000_000_900,
      });
      const failed = span(p1, 't1', 'c', {
        parentSpanId: 'a',
        status: 'error',
        error: 'timeout',
        model: 'claude-3-haiku',
      });
      const written = await store.writeIngest(
        batch({
          spans: [child, root, failed],
          scores: [score(p1, 't1', 'b', 'relevance')],
          feedback: [feedback(p1, 't1', 'f1')],
        }),
      );
      expect(written).toEqual({ spans: 3, scores: 1, feedback: 1, events: 0 });
      const trace = await store.getTrace(p1, 't1');
      expect(trace).toBeDefined();
      expect(trace!.name).toBe('handle request');
      expect(trace!.spanCount).toBe(3);
      expect(trace!.inputTokens).toBe(30);
      expect(trace!.outputTokens).toBe(60);
      expect(trace!.costUsd).toBeCloseTo(0.002);
      expect(trace!.errorCount).toBe(1);
      expect(trace!.endMs).toBe(1_700_000_000_900);
      expect(trace!.models).toEqual(['claude-3-haiku', 'gpt-4o-mini']);
      expect(trace!.sessionId).toBe('sess-1');
      expect(trace!.segment).toBe('enterprise');
      const b = trace!.spans.find((s) => s.spanId === 'b')!;
      const { scores, ...fields } = b;
      expect(fields).toEqual(child);
      expect(scores.map((s) => [s.name, s.value, s.label, s.explanation])).toEqual([
        ['relevance', 0.8, 'good', 'fine'],
      ]);
      expect(trace!.feedback).toEqual([feedback(p1, 't1', 'f1')]);
    });

    it('resent records are skipped: spans, their scores, feedback and events are idempotent by id', async () => {
      const again = await store.writeIngest(
        batch({
          spans: [span(p1, 't1', 'b')],
          scores: [score(p1, 't1', 'b', 'relevance')],
          feedback: [feedback(p1, 't1', 'f1')],
        }),
      );
      expect(again).toEqual({ spans: 0, scores: 0, feedback: 0, events: 0 });
      const trace = await store.getTrace(p1, 't1');
      expect(trace!.spanCount).toBe(3);
      expect(trace!.spans.find((s) => s.spanId === 'b')!.scores).toHaveLength(1);
      const ev = {
        projectId: p1,
        id: 'e1',
        type: 'generation',
        traceId: 't9',
        timestampMs: 5,
        data: { model: 'm' },
      };
      expect((await store.writeIngest(batch({ events: [ev] }))).events).toBe(1);
      expect((await store.writeIngest(batch({ events: [ev] }))).events).toBe(0);
    });

    it('spans of one trace arriving in several commits merge into one trace', async () => {
      await store.writeIngest(
        batch({ spans: [span(p1, 't2', 'child', { parentSpanId: 'root', startMs: 2_000, endMs: 3_000 })] }),
      );
      await store.writeIngest(
        batch({
          spans: [span(p1, 't2', 'root', { name: 'root op', startMs: 1_000, endMs: 5_000, sessionId: null })],
        }),
      );
      const t = await store.getTrace(p1, 't2');
      expect([t!.name, t!.startMs, t!.endMs, t!.spanCount]).toEqual(['root op', 1_000, 5_000, 2]);
    });

    it('a trace merges an unfinished span (no end, no cost) without losing its end or cost', async () => {
      const open = { endMs: null, costUsd: null, startMs: 2_000 };
      await store.writeIngest(batch({ spans: [span(p1, 't3', 'a', open)] }));
      expect((await store.getTrace(p1, 't3'))!.endMs).toBeNull();
      await store.writeIngest(batch({ spans: [span(p1, 't3', 'b', { startMs: 2_500, endMs: 4_000 })] }));
      await store.writeIngest(batch({ spans: [span(p1, 't3', 'c', open)] }));
      const t = await store.getTrace(p1, 't3');
      expect([t!.endMs, t!.costUsd, t!.spanCount]).toEqual([4_000, 0.001, 3]);
    });

    it('a project sees only its own traces', async () => {
      await store.writeIngest(batch({ spans: [span(p2, 't1', 'other', { name: 'beta span' })] }));
      expect((await store.getTrace(p2, 't1'))!.spans.map((s) => s.name)).toEqual(['beta span']);
      expect((await store.getTrace(p1, 't1'))!.spans).toHaveLength(3);
      expect(await store.getTrace(p2, 't2')).toBeUndefined();
      expect((await store.listTraces(p2)).traces.map((t) => t.traceId)).toEqual(['t1']);
    });

    it('lists traces newest first, filtered by time, session, model and segment, in pages', async () => {
      const spans = Array.from({ length: 7 }, (_, i) =>
        span(p2, `list-${i}`, 's', {
          startMs: 10_000 + i * 1000,
          endMs: 10_500 + i * 1000,
          sessionId: i < 3 ? 'sess-a' : 'sess-b',
          model: i % 2 === 0 ? 'm-even' : 'm-odd',
          tags: { segment: i === 6 ? 'free' : 'paid' },
        }),
      );
      await store.writeIngest(batch({ spans }));
      const range = { fromMs: 10_000, toMs: 17_000 };
      const all = await store.listTraces(p2, range);
      expect(all.traces.map((t) => t.traceId)).toEqual([
        'list-6',
        'list-5',
        'list-4',
        'list-3',
        'list-2',
        'list-1',
        'list-0',
      ]);
      expect(all.nextCursor).toBeNull();
      expect((await store.listTraces(p2, { ...range, fromMs: 14_000 })).traces).toHaveLength(3);
      expect(
        (await store.listTraces(p2, { ...range, sessionId: 'sess-a' })).traces.map((t) => t.traceId),
      ).toEqual(['list-2', 'list-1', 'list-0']);
      const odd = await store.listTraces(p2, { ...range, model: 'm-odd' });
      expect(odd.traces.map((t) => t.traceId)).toEqual(['list-5', 'list-3', 'list-1']);
      expect(odd.traces[0]!.models).toEqual(['m-odd']);
      expect(
        (await store.listTraces(p2, { ...range, segment: 'free' })).traces.map((t) => t.traceId),
      ).toEqual(['list-6']);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await store.listTraces(p2, { ...range, limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.traces.map((t) => t.traceId));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(all.traces.map((t) => t.traceId));
      await expect(store.listTraces(p2, { cursor: 'garbage' })).rejects.toThrow(/cursor/);
    });

    it('prompt version: kept on the span, the trace takes the first named, and lists, series and metrics filter by it', async () => {
      const at = 43_200_000;
      await store.writeIngest(
        batch({
          spans: [
            span(p2, 'pv-1', 'a', { startMs: at, endMs: at + 100, promptVersion: 'v1' }),
            span(p2, 'pv-2', 'a', { startMs: at + 1000, endMs: at + 1300, model: null }),
          ],
        }),
      );
      // The second trace's prompt version arrives with a later span.
      await store.writeIngest(
        batch({
          spans: [span(p2, 'pv-2', 'b', { startMs: at + 1100, endMs: at + 1200, promptVersion: 'v2' })],
        }),
      );
      const t2 = await store.getTrace(p2, 'pv-2');
      expect(t2!.promptVersion).toBe('v2');
      expect(t2!.spans.map((s) => s.promptVersion)).toEqual([null, 'v2']);
      const range = { fromMs: at, toMs: at + 3_600_000 };
      expect(
        (await store.listTraces(p2, { ...range, promptVersion: 'v1' })).traces.map((t) => t.traceId),
      ).toEqual(['pv-1']);
      const series = await store.trafficSeries(p2, { ...range, bucketMs: 3_600_000, promptVersion: 'v2' });
      expect(series.buckets.map((b) => b.traces)).toEqual([1]);
      expect(series.promptVersions).toEqual(['v1', 'v2']);
      const ops = await store.opsMetrics(p2, { ...range, groupBy: 'promptVersion' });
      expect(ops.groups.map((g) => [g.key, g.queries])).toEqual([
        ['v1', 1],
        ['v2', 1],
      ]);
      const v1 = await store.opsMetrics(p2, { ...range, groupBy: 'model', promptVersion: 'v1' });
      expect(v1.groups.map((g) => [g.key, g.queries])).toEqual([['gpt-4o-mini', 1]]);
    });

    it('what was written is there after reopening', async () => {
      await store.close();
      store = await fixture.open();
      expect((await store.getTrace(p1, 't1'))!.spanCount).toBe(3);
      await store.ping();
    });
    it('signals: a session is replaced whole when recomputed, read per trace and per time range', async () => {
      const sig = (
        traceId: string,
        kind: SignalRecord['kind'],
        value: number,
        computedMs: number,
      ): SignalRecord => ({
        projectId: p1,
        traceId,
        sessionId: 'sig-s1',
        kind,
        value,
        computedMs,
      });
      await store.writeIngest(
        batch({
          spans: [
            span(p1, 'sig-t1', 'a', { sessionId: 'sig-s1', startMs: 5_000_000 }),
            span(p1, 'sig-t2', 'b', { sessionId: 'sig-s1', startMs: 5_001_000, model: null }),
            span(p1, 'sig-t2', 'c', { sessionId: 'sig-s1', startMs: 5_002_000 }),
          ],
          feedback: [feedback(p1, 'sig-t1', 'sig-f1')],
        }),
      );
      const activity = await store.sessionActivity(p1, 'sig-s1', 10);
      expect(activity.spans.map((s) => s.spanId)).toEqual(['a', 'c']);
      expect(activity.feedback.map((f) => f.id)).toEqual(['sig-f1']);
      expect((await store.sessionActivity(p1, 'sig-s1', 1)).spans.map((s) => s.spanId)).toEqual(['c']);
      expect(await store.sessionActivity(p2, 'sig-s1', 10)).toEqual({ spans: [], feedback: [] });

      await store.replaceSessionSignals(p1, 'sig-s1', [
        sig('sig-t2', 'rephrase', 0.91, 100),
        sig('sig-t2', 'turns', 2, 100),
        sig('sig-t1', 'retry', 1, 100),
      ]);
      await store.replaceSessionSignals(p1, 'sig-s1', [
        sig('sig-t2', 'turns', 2, 200),
        sig('sig-t2', 'abandoned', 1, 200),
      ]);
      expect(await store.signalsForTrace(p1, 'sig-t2')).toEqual([
        sig('sig-t2', 'abandoned', 1, 200),
        sig('sig-t2', 'turns', 2, 200),
      ]);
      expect(await store.signalsForTrace(p1, 'sig-t1')).toEqual([]);
      expect(await store.signalsForTrace(p2, 'sig-t2')).toEqual([]);
      expect((await store.signalsBetween(p1, 150, 250)).map((s) => s.kind)).toEqual(['abandoned', 'turns']);
      expect(await store.signalsBetween(p1, 0, 200)).toEqual([]);
      await store.replaceSessionSignals(p1, 'sig-s1', []);
      expect(await store.signalsForTrace(p1, 'sig-t2')).toEqual([]);
    });

    it('tracesWithSignals: many traces read at once equal getTrace and signalsForTrace of each, past a chunk', async () => {
      const p3 = (await store.ensureProject('batch-read')).id;
      // 2 × 300 traces: more ids than one chunk of 500.
      const hour = { errorEvery: 5, latencyMs: 800, model: 'gpt-4o', segment: 'pro', thumbsDownEvery: 3 };
      await plantTraffic(store, p3, [
        { ...hour, traces: 300 },
        { ...hour, traces: 300, model: 'gpt-4o-mini', promptVersion: 'v2' },
      ]);
      const ids: string[] = [];
      for (let cursor: string | null = null; ; ) {
        const page = await store.listTraces(p3, { limit: 1000, ...(cursor ? { cursor } : {}) });
        ids.push(...page.traces.map((t) => t.traceId));
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      expect(ids).toHaveLength(600);
      const [a, b] = [ids[0]!, ids[599]!];
      // A trace with a second span, more scores and two feedbacks at the same time; and signals.
      await store.writeIngest(
        batch({
          spans: [
            span(p3, a, 'extra', {
              startMs: T0 + 3 * 3_600_000,
              endMs: T0 + 3 * 3_600_000 + 10,
              model: 'claude',
            }),
          ],
          scores: [score(p3, a, 'extra', 'relevance'), score(p3, a, 'extra', 'relevance2')],
          feedback: [
            { ...feedback(p3, a, 'tie-b'), timestampMs: T0 },
            { ...feedback(p3, a, 'tie-a'), timestampMs: T0 },
          ],
        }),
      );
      const sig = (traceId: string, kind: SignalRecord['kind'], value: number): SignalRecord => ({
        projectId: p3,
        traceId,
        sessionId: 'batch-s',
        kind,
        value,
        computedMs: T0,
      });
      await store.replaceSessionSignals(p3, 'batch-s', [
        sig(a, 'turns', 3),
        sig(a, 'rephrase', 0.9),
        sig(b, 'abandoned', 1),
      ]);

      const got = await store.tracesWithSignals(p3, [...ids, 'no-such-trace', ids[0]!]);
      expect(got.size).toBe(600);
      for (const id of ids)
        expect(got.get(id)).toEqual({
          detail: await store.getTrace(p3, id),
          signals: await store.signalsForTrace(p3, id),
        });
      expect(got.get(a)!.detail.spans.map((s) => s.scores.length)).toEqual([1, 2]);
      expect(got.get(a)!.detail.feedback.map((f) => f.id)).toEqual(['tie-a', 'tie-b', `fb-${a}`]);
      expect(got.get(a)!.signals.map((s) => s.kind)).toEqual(['rephrase', 'turns']);
      expect(got.get(b)!.signals.map((s) => s.kind)).toEqual(['abandoned']);
      expect((await store.tracesWithSignals(p1, ids.slice(0, 3))).size).toBe(0);
      expect((await store.tracesWithSignals(p3, [])).size).toBe(0);
    });

    it('recentSessions: sessions with a trace since a time, their last end, longest trace and last signal computation', async () => {
      await store.writeIngest(
        batch({
          spans: [
            span(p2, 'rs-t1', 'a', { sessionId: 'rs-s1', startMs: 9_000_000, endMs: 9_000_500 }),
            span(p2, 'rs-t2', 'a', { sessionId: 'rs-s1', startMs: 9_001_000, endMs: 9_002_000 }),
            span(p2, 'rs-t3', 'a', { sessionId: 'rs-s2', startMs: 9_003_000, endMs: null }),
            span(p2, 'rs-t4', 'a', { sessionId: 'rs-old', startMs: 100, endMs: 200 }),
          ],
        }),
      );
      await store.replaceSessionSignals(p2, 'rs-s1', [
        {
          projectId: p2,
          traceId: 'rs-t2',
          sessionId: 'rs-s1',
          kind: 'turns',
          value: 2,
          computedMs: 9_100_000,
        },
      ]);
      const found = (await store.recentSessions(8_000_000)).filter((s) => s.sessionId.startsWith('rs-'));
      expect(found).toEqual([
        { projectId: p2, sessionId: 'rs-s1', lastMs: 9_002_000, longestMs: 1_000, computedMs: 9_100_000 },
        { projectId: p2, sessionId: 'rs-s2', lastMs: 9_003_000, longestMs: 0, computedMs: null },
      ]);
      // Up to a time: traces started then or later are left out, and the last end is of those kept.
      const until = (await store.recentSessions(8_000_000, 9_001_000)).filter((s) =>
        s.sessionId.startsWith('rs-'),
      );
      expect(until).toEqual([
        { projectId: p2, sessionId: 'rs-s1', lastMs: 9_000_500, longestMs: 500, computedMs: 9_100_000 },
      ]);
    });

    const IS_T1_B_INPUT = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Où est la gare ? "quoted", 100%' },
    ];
    it("incremental signals: trace counts per session, a trace's session and spans, signals replaced per trace", async () => {
      await store.writeIngest(
        batch({
          spans: [
            span(p2, 'is-t1', 'a', { sessionId: 'is-s1' }),
            span(p2, 'is-t1', 'b', { sessionId: null, input: IS_T1_B_INPUT }),
            span(p2, 'is-t2', 'a', { sessionId: 'is-s1' }),
            span(p2, 'is-t3', 'a', { sessionId: null }),
          ],
        }),
      );
      expect(await store.sessionTraceCounts(p2, ['is-s1', 'is-none'])).toEqual(new Map([['is-s1', 2]]));
      expect(await store.sessionTraceCounts(p1, ['is-s1'])).toEqual(new Map());
      expect(await store.traceSessions(p2, ['is-t1', 'is-t3', 'is-none'])).toEqual(
        new Map([
          ['is-t1', { sessionId: 'is-s1', spanCount: 2 }],
          ['is-t3', { sessionId: null, spanCount: 1 }],
        ]),
      );
      // The user texts a round compares: inputs by trace and span, other projects' and unknown spans absent.
      const inputs = await store.spanInputs(p2, [
        { traceId: 'is-t1', spanId: 'b' },
        { traceId: 'is-t2', spanId: 'a' },
        { traceId: 'is-t2', spanId: 'a' },
        { traceId: 'is-t1', spanId: 'none' },
        { traceId: 'is-t2', spanId: 'b' },
      ]);
      expect([...inputs.keys()].sort()).toEqual(
        [spanRefKey({ traceId: 'is-t1', spanId: 'b' }), spanRefKey({ traceId: 'is-t2', spanId: 'a' })].sort(),
      );
      expect(inputs.get(spanRefKey({ traceId: 'is-t1', spanId: 'b' }))).toEqual(IS_T1_B_INPUT);
      expect(inputs.get(spanRefKey({ traceId: 'is-t2', spanId: 'a' }))).toEqual(span(p2, 'is-t2', 'a').input);
      expect(await store.spanInputs(p1, [{ traceId: 'is-t1', spanId: 'b' }])).toEqual(new Map());
      expect(await store.spanInputs(p2, [])).toEqual(new Map());
      const sig = (traceId: string, kind: SignalRecord['kind'], value: number): SignalRecord => ({
        projectId: p2,
        traceId,
        sessionId: 'is-s1',
        kind,
        value,
        computedMs: 7,
      });
      await store.replaceSessionSignals(p2, 'is-s1', [sig('is-t1', 'turns', 1), sig('is-t1', 'retry', 1)]);
      await store.replaceTraceSignals([
        {
          projectId: p2,
          traceIds: ['is-t1', 'is-t2'],
          signals: [sig('is-t1', 'retry', 1), sig('is-t2', 'turns', 2)],
        },
      ]);
      expect(await store.signalsForTrace(p2, 'is-t1')).toEqual([sig('is-t1', 'retry', 1)]);
      expect(await store.signalsForTrace(p2, 'is-t2')).toEqual([sig('is-t2', 'turns', 2)]);
      await store.replaceTraceSignals([]);
      // A round's changes in one call: each names its project's traces only; another project's
      // trace of the same id keeps its signals.
      const other = { ...sig('is-t1', 'turns', 5), projectId: p1 };
      await store.replaceSessionSignals(p1, 'is-s1', [other]);
      await store.replaceTraceSignals([
        { projectId: p2, traceIds: ['is-t1'], signals: [sig('is-t1', 'turns', 3)] },
        { projectId: p2, traceIds: ['is-t2'], signals: [] },
      ]);
      expect(await store.signalsForTrace(p2, 'is-t1')).toEqual([sig('is-t1', 'turns', 3)]);
      expect(await store.signalsForTrace(p2, 'is-t2')).toEqual([]);
      expect(await store.signalsForTrace(p1, 'is-t1')).toEqual([other]);
    });

    it('prune deletes traces older than the horizon with their spans, scores, feedback and events', async () => {
      const old = 1_000_000;
      const kept = await store.getTrace(p1, 't1');
      await store.prune(old + 100); // the earlier tests' data from before the horizon
      await store.writeIngest(
        batch({
          spans: [
            span(p2, 'old-1', 's1', { startMs: old, endMs: old + 5 }),
            span(p2, 'old-1', 's2', { startMs: old + 1, endMs: old + 5 }),
          ],
          scores: [score(p2, 'old-1', 's1', 'faithfulness')],
          feedback: [
            { ...feedback(p2, 'old-1', 'fb-old'), timestampMs: old + 10 },
            { ...feedback(p2, 'never-stored', 'fb-orphan'), timestampMs: old },
          ],
          events: [
            { projectId: p2, id: 'ev-old', type: 'generation', traceId: 'old-1', timestampMs: old, data: {} },
          ],
        }),
      );
      expect(await store.getTrace(p2, 'old-1')).toBeDefined();
      const oldSignal = {
        projectId: p2,
        traceId: 'old-1',
        sessionId: 'old-s',
        kind: 'turns',
        value: 1,
        computedMs: old,
      };
      await store.replaceSessionSignals(p2, 'old-s', [oldSignal as SignalRecord]);
      const result = await store.prune(old + 100);
      expect(await store.signalsForTrace(p2, 'old-1')).toEqual([]);
      expect(result).toEqual({ traces: 1, spans: 2, scores: 1, feedback: 2, events: 1 });
      expect(await store.getTrace(p2, 'old-1')).toBeUndefined();
      expect(await store.feedbackFor(p2, 'never-stored')).toEqual([]);
      expect(await store.getTrace(p1, 't1')).toEqual(kept);
      expect(await store.prune(old + 100)).toEqual({
        traces: 0,
        spans: 0,
        scores: 0,
        feedback: 0,
        events: 0,
      });
    });
  });
}
