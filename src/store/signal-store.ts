import type { Kysely } from 'kysely';
import type { SignalKind, SignalRecord } from '../core/signal.js';
import type { TraceMessage } from '../core/trace.js';
import {
  type RecentSession,
  type SessionActivity,
  type SpanRef,
  spanRefKey,
  type TraceSessionRow,
  type TraceSignals,
} from '../core/trace-store.js';
import { getOrCreate } from '../util/maps.js';
import { chunks } from './chunks.js';
import type { Database } from './schema.js';
import { toFeedback, toSpan } from './trace-rows.js';

/** The signal tables' reads and writes, shared by the SQLite and PostgreSQL trace stores. */

const toSignal = (r: Database['signals']): SignalRecord => ({
  projectId: r.project_id,
  traceId: r.trace_id,
  sessionId: r.session_id,
  kind: r.kind as SignalKind,
  value: Number(r.value),
  computedMs: Number(r.computed_ms),
});

/** Replaces a session's signals by these, in one transaction (recomputing is idempotent). */
export async function replaceSessionSignals(
  db: Kysely<Database>,
  projectId: string,
  sessionId: string,
  signals: SignalRecord[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('signals')
      .where('project_id', '=', projectId)
      .where('session_id', '=', sessionId)
      .execute();
    if (signals.length === 0) return;
    await trx
      .insertInto('signals')
      .values(
        signals.map((s) => ({
          project_id: projectId,
          trace_id: s.traceId,
          session_id: sessionId,
          kind: s.kind,
          value: s.value,
          computed_ms: s.computedMs,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['project_id', 'trace_id', 'kind']).doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          computed_ms: eb.ref('excluded.computed_ms'),
          session_id: eb.ref('excluded.session_id'),
        })),
      )
      .execute();
  });
}

const signalRow = (s: SignalRecord) => ({
  project_id: s.projectId,
  trace_id: s.traceId,
  session_id: s.sessionId,
  kind: s.kind,
  value: s.value,
  computed_ms: s.computedMs,
});

/** Replaces the signals of each change's traces by its signals, all in one transaction. */
export async function replaceTraceSignals(db: Kysely<Database>, changes: TraceSignals[]): Promise<void> {
  if (changes.length === 0) return;
  // One delete a project (per 500 traces), not one a change: a round changes up to 256 sessions.
  const byProject = new Map<string, string[]>();
  for (const c of changes) getOrCreate(byProject, c.projectId, () => []).push(...c.traceIds);
  await db.transaction().execute(async (trx) => {
    for (const [projectId, traceIds] of byProject)
      for (const ids of chunks(traceIds, 500))
        await trx
          .deleteFrom('signals')
          .where('project_id', '=', projectId)
          .where('trace_id', 'in', ids)
          .execute();
    // 6 columns a row: far under PostgreSQL's 65,535 bound parameters.
    for (const rows of chunks(changes.flatMap((c) => c.signals).map(signalRow), 1000))
      await trx.insertInto('signals').values(rows).execute();
  });
}

/** How many traces each session has. */
export async function sessionTraceCounts(
  db: Kysely<Database>,
  projectId: string,
  sessionIds: string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const ids of chunks(sessionIds, 500)) {
    const rows = await db
      .selectFrom('traces')
      .select(['session_id'])
      .select((eb) => eb.fn.countAll().as('n'))
      .where('project_id', '=', projectId)
      .where('session_id', 'in', ids)
      .groupBy('session_id')
      .execute();
    for (const r of rows) out.set(r.session_id!, Number(r.n));
  }
  return out;
}

/**
 * The input messages of these spans, by `spanRefKey`. Each chunk is one query: the spans of their
 * traces, by key, kept when asked for. (A row value's IN list, `(trace_id, span_id) in (values …)`,
 * had SQLite probe every trace with every span id: ~16 ms a chunk of 400.)
 */
export async function spanInputs(
  db: Kysely<Database>,
  projectId: string,
  spans: SpanRef[],
): Promise<Map<string, TraceMessage[]>> {
  const out = new Map<string, TraceMessage[]>();
  const unique = [...new Map(spans.map((s) => [spanRefKey(s), s])).values()];
  for (const refs of chunks(unique, 400)) {
    const wanted = new Set(refs.map(spanRefKey));
    const rows = await db
      .selectFrom('spans')
      .select(['trace_id', 'span_id', 'input'])
      .where('trace_seq', 'in', (eb) =>
        eb
          .selectFrom('traces')
          .select('seq')
          .where('project_id', '=', projectId)
          .where('trace_id', 'in', [...new Set(refs.map((r) => r.traceId))]),
      )
      .execute();
    for (const r of rows) {
      const key = spanRefKey({ traceId: r.trace_id, spanId: r.span_id });
      if (wanted.has(key)) out.set(key, JSON.parse(r.input) as TraceMessage[]);
    }
  }
  return out;
}

/** The session and span count of each stored trace among these. */
export async function traceSessions(
  db: Kysely<Database>,
  projectId: string,
  traceIds: string[],
): Promise<Map<string, TraceSessionRow>> {
  const out = new Map<string, TraceSessionRow>();
  for (const ids of chunks(traceIds, 500)) {
    const rows = await db
      .selectFrom('traces')
      .select(['trace_id', 'session_id', 'span_count'])
      .where('project_id', '=', projectId)
      .where('trace_id', 'in', ids)
      .execute();
    for (const r of rows) out.set(r.trace_id, { sessionId: r.session_id, spanCount: Number(r.span_count) });
  }
  return out;
}

export async function signalsForTrace(
  db: Kysely<Database>,
  projectId: string,
  traceId: string,
): Promise<SignalRecord[]> {
  return (await signalsForTraces(db, projectId, [traceId])).get(traceId) ?? [];
}

/** The signals of each of these traces, each trace's by kind (as `signalsForTrace`); ids in chunks. */
export async function signalsForTraces(
  db: Kysely<Database>,
  projectId: string,
  traceIds: readonly string[],
): Promise<Map<string, SignalRecord[]>> {
  const out = new Map<string, SignalRecord[]>();
  for (const ids of chunks([...new Set(traceIds)], 500)) {
    const rows = await db
      .selectFrom('signals')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('trace_id', 'in', ids)
      .orderBy('trace_id')
      .orderBy('kind')
      .execute();
    for (const r of rows) getOrCreate(out, r.trace_id, () => []).push(toSignal(r));
  }
  return out;
}

/** Signals computed in [fromMs, toMs), oldest first. */
export async function signalsBetween(
  db: Kysely<Database>,
  projectId: string,
  fromMs: number,
  toMs: number,
): Promise<SignalRecord[]> {
  const rows = await db
    .selectFrom('signals')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('computed_ms', '>=', fromMs)
    .where('computed_ms', '<', toMs)
    .orderBy('computed_ms')
    .orderBy('trace_id')
    .orderBy('kind')
    .execute();
  return rows.map(toSignal);
}

/** The spans with a model and the feedback of a session's latest `limit` traces, spans by start. */
export async function sessionActivity(
  db: Kysely<Database>,
  projectId: string,
  sessionId: string,
  limit: number,
): Promise<SessionActivity> {
  const traces = await db
    .selectFrom('traces')
    .select(['trace_id', 'seq'])
    .where('project_id', '=', projectId)
    .where('session_id', '=', sessionId)
    .orderBy('start_ms', 'desc')
    .limit(limit)
    .execute();
  const ids = traces.map((t) => t.trace_id);
  if (ids.length === 0) return { spans: [], feedback: [] };
  // Filtered and ordered here rather than in SQL: with `model is not null` or an ORDER BY on
  // start_ms, SQLite walked the project's spans by its model or time index instead of looking up
  // these traces' spans by their key (~25 ms a session at 100k spans instead of well under 1).
  const spans = (
    await db
      .selectFrom('spans')
      .selectAll()
      .where(
        'trace_seq',
        'in',
        traces.map((t) => t.seq),
      )
      .execute()
  )
    .filter((r) => r.model !== null)
    .map(toSpan);
  spans.sort((a, b) => a.startMs - b.startMs || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0));
  const feedback = await db
    .selectFrom('feedback')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('trace_id', 'in', ids)
    .orderBy('timestamp_ms')
    .execute();
  return { spans, feedback: feedback.map(toFeedback) };
}

/**
 * Sessions with a trace started since `sinceMs` (and before `untilMs`, when given), project by
 * project (each query on the `(project_id, start_ms)` index): the latest end of those traces and
 * their signals' latest computation.
 */
export async function recentSessions(
  db: Kysely<Database>,
  sinceMs: number,
  untilMs?: number,
): Promise<RecentSession[]> {
  const projects = await db.selectFrom('projects').select('id').execute();
  const out: RecentSession[] = [];
  for (const { id } of projects) {
    const rows = await db
      .selectFrom('traces as t')
      .select(['t.session_id'])
      .select((eb) => eb.fn.max(eb.fn.coalesce('t.end_ms', 't.start_ms')).as('last_ms'))
      .select((eb) =>
        eb.fn.max(eb(eb.fn.coalesce('t.end_ms', 't.start_ms'), '-', eb.ref('t.start_ms'))).as('longest_ms'),
      )
      .select((eb) =>
        eb
          .selectFrom('signals as s')
          .select((e) => e.fn.max('s.computed_ms').as('m'))
          .where('s.project_id', '=', id)
          .whereRef('s.session_id', '=', 't.session_id')
          .as('computed_ms'),
      )
      .where('t.project_id', '=', id)
      .where('t.start_ms', '>=', sinceMs)
      .$if(untilMs !== undefined, (q) => q.where('t.start_ms', '<', untilMs!))
      .where('t.session_id', 'is not', null)
      .groupBy('t.session_id')
      .orderBy('t.session_id')
      .execute();
    for (const r of rows)
      out.push({
        projectId: id,
        sessionId: r.session_id!,
        lastMs: Number(r.last_ms),
        longestMs: Number(r.longest_ms),
        computedMs: r.computed_ms === null || r.computed_ms === undefined ? null : Number(r.computed_ms),
      });
  }
  return out;
}
