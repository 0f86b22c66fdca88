import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { AssayError } from '../core/errors.js';
import type { OpsMetrics, OpsMetricsQuery } from '../core/ops-metrics.js';
import type { SignalRecord } from '../core/signal.js';
import type {
  ApiKeyRecord,
  FeedbackRecord,
  IngestBatch,
  Project,
  SpanRecord,
  StoredSpan,
  TraceDetail,
  TraceMessage,
  TracePage,
  TraceQuery,
} from '../core/trace.js';
import type {
  IngestWriteResult,
  PruneResult,
  RecentSession,
  SessionActivity,
  SpanRef,
  TraceSessionRow,
  TraceSignals,
  TraceStore,
  TraceWithSignals,
} from '../core/trace-store.js';
import type { TrafficQuery, TrafficSeries } from '../core/traffic-series.js';
import { getOrCreate } from '../util/maps.js';
import { chunks } from './chunks.js';
import type { Dialect } from './migrations.js';
import { opsMetrics } from './ops-metrics.js';
import { pruneTraces } from './prune-traces.js';
import { modelsBefore, RollupDeltas } from './rollup-cells.js';
import { TRACE_STATE, writeRollups } from './rollup-write.js';
import type { Database } from './schema.js';
import * as signalStore from './signal-store.js';
import {
  decodeCursor,
  encodeCursor,
  eventRow,
  feedbackRow,
  scoreRow,
  spanKey,
  spanRow,
  toApiKey,
  toFeedback,
  toProject,
  toScore,
  toSpan,
  toTraceSummary,
  traceDeltas,
  traceMerge,
} from './trace-rows.js';
import { trafficSeries } from './traffic-series.js';

/** Rows per multi-row INSERT: under PostgreSQL's 65,535 bound parameters with 26 columns a row. */
const CHUNK = 500;

export const MAX_TRACE_PAGE = 1000;

/** A stored trace's state as the rollups read it, with its id and number. */
type StoredTrace = Pick<Database['traces'], (typeof TRACE_STATE)[number] | 'trace_id' | 'seq'>;

/** The numbers of a batch's traces (by `spanKey(project, trace, '')`), and the state of those stored. */
interface TraceNumbers {
  seqs: Map<string, number>;
  stored: Map<string, StoredTrace>;
}

/**
 * The trace store on any Kysely database (PostgreSQL's write path, and every read on both).
 * SQLite overrides `writeIngest` with prepared statements (`sqlite-trace-writer.ts`).
 */
export class KyselyTraceStore implements TraceStore {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  async ensureProject(name: string): Promise<Project> {
    const have = await this.projectByName(name);
    if (have) return have;
    const project = {
      id: `prj_${randomBytes(8).toString('hex')}`,
      name,
      created_at: new Date().toISOString(),
    };
    await this.db
      .insertInto('projects')
      .values(project)
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    return (await this.projectByName(name))!;
  }

  async projectByName(name: string): Promise<Project | undefined> {
    const r = await this.db.selectFrom('projects').selectAll().where('name', '=', name).executeTakeFirst();
    return r && toProject(r);
  }

  async listProjects(): Promise<Project[]> {
    const rows = await this.db.selectFrom('projects').selectAll().orderBy('created_at').execute();
    return rows.map(toProject);
  }

  async saveApiKey(key: ApiKeyRecord): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({
        id: key.id,
        project_id: key.projectId,
        hash: key.hash,
        prefix: key.prefix,
        created_at: key.createdAt,
        revoked_at: key.revokedAt,
      })
      .execute();
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().orderBy('created_at').execute();
    return rows.map(toApiKey);
  }

  async revokeApiKey(id: string, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async apiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const r = await this.db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
    return r && toApiKey(r);
  }

  async apiKeyById(id: string): Promise<ApiKeyRecord | undefined> {
    const r = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toApiKey(r);
  }

  async writeIngest(batch: IngestBatch): Promise<IngestWriteResult> {
    const merge = Object.entries(traceMerge(this.dialect)).map(([column, value]) => [column, sql.raw(value)]);
    return this.db.transaction().execute(async (trx) => {
      const result: IngestWriteResult = { spans: 0, scores: 0, feedback: 0, events: 0 };
      const stored = new Set<string>();
      for (const part of chunks(batch.events, CHUNK)) {
        const rows = await trx
          .insertInto('events')
          .values(part.map(eventRow))
          .onConflict((oc) => oc.columns(['project_id', 'id']).doNothing())
          .returning('id')
          .execute();
        result.events += rows.length;
      }
      const numbers = await this.lockAndNumber(trx, batch.spans);
      const seqOf = (projectId: string, traceId: string) =>
        numbers.seqs.get(spanKey(projectId, traceId, ''))!;
      const inserted = [];
      for (const part of chunks(batch.spans, CHUNK)) {
        const rows = await trx
          .insertInto('spans')
          .values(part.map((s) => ({ ...spanRow(s), trace_seq: seqOf(s.projectId, s.traceId) })))
          .onConflict((oc) => oc.columns(['trace_seq', 'span_id']).doNothing())
          .returning(['project_id', 'trace_id', 'span_id'])
          .execute();
        for (const r of rows) stored.add(spanKey(r.project_id, r.trace_id, r.span_id));
      }
      for (const s of batch.spans)
        if (stored.has(spanKey(s.projectId, s.traceId, s.spanId))) inserted.push(s);
      result.spans = inserted.length;
      const traces = traceDeltas(inserted);
      const rolled = new RollupDeltas();
      for (const s of inserted) rolled.call(s);
      const old = await this.readBefore(trx, traces, inserted, rolled, numbers.stored);
      for (const part of chunks(traces, CHUNK)) {
        const rows = await trx
          .insertInto('traces')
          .values(part.map((t) => ({ ...t, seq: seqOf(t.project_id, t.trace_id) })))
          .onConflict((oc) => oc.columns(['project_id', 'trace_id']).doUpdateSet(Object.fromEntries(merge)))
          .returning([...TRACE_STATE, 'trace_id'])
          .execute();
        for (const row of rows) {
          const key = spanKey(row.project_id, row.trace_id, '');
          rolled.trace({ row, models: old.get(key) ?? [] }, 1);
        }
      }
      await writeRollups(trx, rolled);
      const spanIds = new Set(batch.spans.map((s) => spanKey(s.projectId, s.traceId, s.spanId)));
      // A score that came with a span resent by a retrying exporter was stored with it the first time.
      const scores = batch.scores.filter((s) => {
        const key = spanKey(s.projectId, s.traceId, s.spanId);
        return !spanIds.has(key) || stored.has(key);
      });
      for (const part of chunks(scores, CHUNK))
        await trx.insertInto('span_scores').values(part.map(scoreRow)).execute();
      result.scores = scores.length;
      for (const part of chunks(batch.feedback, CHUNK)) {
        const rows = await trx
          .insertInto('feedback')
          .values(part.map(feedbackRow))
          .onConflict((oc) => oc.columns(['project_id', 'id']).doNothing())
          .returning('id')
          .execute();
        result.feedback += rows.length;
      }
      return result;
    });
  }

  /**
   * Before a batch's spans are stored: locks each trace they belong to (a transaction-scoped
   * advisory lock, in one order, so two writers of one trace take turns and neither counts it
   * twice), and answers each trace's number (`seq`): a stored trace's own, a new one the next of the
   * sequence (PostgreSQL, where several servers may write) or past the highest stored (SQLite, whose
   * writers take turns for the whole transaction).
   */
  private async lockAndNumber(trx: Kysely<Database>, spans: SpanRecord[]): Promise<TraceNumbers> {
    const byProject = new Map<string, Set<string>>();
    for (const s of spans) getOrCreate(byProject, s.projectId, () => new Set()).add(s.traceId);
    const keys = [...byProject].flatMap(([p, ids]) => [...ids].map((id) => `${p}/${id}`)).sort();
    if (this.dialect === 'postgres' && keys.length > 0)
      await sql`select pg_advisory_xact_lock(k) from (select hashtextextended(x, 0) as k from unnest(${keys}::text[]) as x order by 1) l`.execute(
        trx,
      );
    const seqs = new Map<string, number>();
    const stored = new Map<string, StoredTrace>();
    const missing: string[] = [];
    for (const [projectId, ids] of byProject) {
      for (const part of chunks([...ids], CHUNK)) {
        const rows = await trx
          .selectFrom('traces')
          .select([...TRACE_STATE, 'trace_id', 'seq'])
          .where('project_id', '=', projectId)
          .where('trace_id', 'in', part)
          .execute();
        for (const r of rows) {
          seqs.set(spanKey(projectId, r.trace_id, ''), Number(r.seq));
          stored.set(spanKey(projectId, r.trace_id, ''), r);
        }
      }
      for (const id of ids)
        if (!seqs.has(spanKey(projectId, id, ''))) missing.push(spanKey(projectId, id, ''));
    }
    if (missing.length === 0) return { seqs, stored };
    let numbers: number[];
    if (this.dialect === 'postgres') {
      const { rows } = await sql<{
        seq: number;
      }>`select nextval(pg_get_serial_sequence('traces', 'seq')) as seq
        from generate_series(1, ${missing.length})`.execute(trx);
      numbers = rows.map((r) => Number(r.seq));
    } else {
      const last = await trx
        .selectFrom('traces')
        .select((eb) => eb.fn.coalesce(eb.fn.max('seq'), sql<number>`0`).as('seq'))
        .executeTakeFirstOrThrow();
      numbers = missing.map((_, i) => Number(last.seq) + 1 + i);
    }
    for (const [i, key] of missing.entries()) seqs.set(key, numbers[i]!);
    return { seqs, stored };
  }

  /**
   * Before the traces absorb a batch (its spans stored, their traces locked and read): takes each
   * existing trace's rollup rows out, and answers every touched trace's models after the batch.
   */
  private async readBefore(
    trx: Kysely<Database>,
    traces: { project_id: string; trace_id: string }[],
    inserted: SpanRecord[],
    rolled: RollupDeltas,
    before: Map<string, StoredTrace>,
  ): Promise<Map<string, string[]>> {
    const mine = new Map<string, SpanRecord[]>();
    for (const s of inserted) getOrCreate(mine, spanKey(s.projectId, s.traceId, ''), () => []).push(s);
    const models = new Map<string, string[]>();
    for (const [key, spans] of mine)
      models.set(
        key,
        spans.flatMap((s) => (s.model ? [s.model] : [])),
      );
    // The stored ones among them, their spans' models counted by trace number (whatever the project).
    const rows = traces.flatMap((t) => before.get(spanKey(t.project_id, t.trace_id, '')) ?? []);
    for (const part of chunks(rows, CHUNK)) {
      const counted = await trx
        .selectFrom('spans')
        .select(['trace_seq', 'model', (eb) => eb.fn.countAll<number>().as('n')])
        .where(
          'trace_seq',
          'in',
          part.map((r) => r.seq),
        )
        .where('model', 'is not', null)
        .groupBy(['trace_seq', 'model'])
        .execute();
      const bySeq = new Map<number, typeof counted>();
      for (const c of counted) getOrCreate(bySeq, Number(c.trace_seq), () => []).push(c);
      for (const row of part) {
        const key = spanKey(row.project_id, row.trace_id, '');
        const had = modelsBefore(bySeq.get(Number(row.seq)) ?? [], mine.get(key) ?? []);
        rolled.trace({ row, models: had }, -1);
        models.set(key, [...had, ...(models.get(key) ?? [])]);
      }
    }
    return models;
  }

  async listTraces(projectId: string, query: TraceQuery = {}): Promise<TracePage> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), MAX_TRACE_PAGE);
    let q = this.db.selectFrom('traces').selectAll().where('project_id', '=', projectId);
    if (query.fromMs !== undefined) q = q.where('start_ms', '>=', query.fromMs);
    if (query.toMs !== undefined) q = q.where('start_ms', '<', query.toMs);
    if (query.sessionId !== undefined) q = q.where('session_id', '=', query.sessionId);
    if (query.segment !== undefined) q = q.where('segment', '=', query.segment);
    if (query.promptVersion !== undefined) q = q.where('prompt_version', '=', query.promptVersion);
    if (query.model !== undefined) {
      const model = query.model;
      q = q.where('trace_id', 'in', (eb) =>
        eb
          .selectFrom('spans')
          .select('spans.trace_id')
          .where('spans.project_id', '=', projectId)
          .where('spans.model', '=', model),
      );
    }
    if (query.cursor !== undefined) {
      const c = decodeCursor(query.cursor);
      if (!c)
        throw new AssayError('input.invalid', 'cursor is not one this server gave out', { field: 'cursor' });
      q = q.where((eb) =>
        eb.or([
          eb('start_ms', '<', c.startMs),
          eb.and([eb('start_ms', '=', c.startMs), eb('trace_id', '<', c.traceId)]),
        ]),
      );
    }
    const rows = await q
      .orderBy('start_ms', 'desc')
      .orderBy('trace_id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const models = await this.modelsOf(
      projectId,
      page.map((r) => r.trace_id),
    );
    const last = page[page.length - 1];
    return {
      traces: page.map((r) => toTraceSummary(r, models.get(r.trace_id) ?? [])),
      nextCursor: rows.length > limit && last ? encodeCursor(Number(last.start_ms), last.trace_id) : null,
    };
  }

  async getTrace(projectId: string, traceId: string): Promise<TraceDetail | undefined> {
    return (await this.traceDetails(projectId, [traceId])).get(traceId);
  }

  async tracesWithSignals(
    projectId: string,
    traceIds: readonly string[],
  ): Promise<Map<string, TraceWithSignals>> {
    const ids = [...new Set(traceIds)];
    const details = await this.traceDetails(projectId, ids);
    const signals = await signalStore.signalsForTraces(this.db, projectId, [...details.keys()]);
    const out = new Map<string, TraceWithSignals>();
    for (const [id, detail] of details) out.set(id, { detail, signals: signals.get(id) ?? [] });
    return out;
  }

  /**
   * Each trace with its spans (by start, then span id), their scores and its feedback (by time, then
   * id): the one read behind `getTrace` and `tracesWithSignals`. Four queries per 500 ids, under
   * SQLite's and PostgreSQL's bound-parameter limits.
   */
  private async traceDetails(
    projectId: string,
    traceIds: readonly string[],
  ): Promise<Map<string, TraceDetail>> {
    const out = new Map<string, TraceDetail>();
    for (const ids of chunks([...new Set(traceIds)], 500)) {
      const rows = await this.db
        .selectFrom('traces')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('trace_id', 'in', ids)
        .execute();
      if (!rows.length) continue;
      const spanRows = await this.db
        .selectFrom('spans')
        .selectAll()
        .where(
          'trace_seq',
          'in',
          rows.map((r) => r.seq),
        )
        .orderBy('trace_id')
        .orderBy('start_ms')
        .orderBy('span_id')
        .execute();
      const scoreRows = await this.db
        .selectFrom('span_scores')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('trace_id', 'in', ids)
        .orderBy('id')
        .execute();
      const feedbackRows = await this.db
        .selectFrom('feedback')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('trace_id', 'in', ids)
        .orderBy('trace_id')
        .orderBy('timestamp_ms')
        .orderBy('id')
        .execute();
      const spansOf = new Map<string, StoredSpan[]>();
      const bySpan = new Map<string, StoredSpan>();
      for (const r of spanRows) {
        const s: StoredSpan = { ...toSpan(r), scores: [] };
        getOrCreate(spansOf, r.trace_id, () => []).push(s);
        bySpan.set(`${r.trace_id}\u0000${r.span_id}`, s);
      }
      for (const r of scoreRows) bySpan.get(`${r.trace_id}\u0000${r.span_id}`)?.scores.push(toScore(r));
      const feedbackOf = new Map<string, FeedbackRecord[]>();
      for (const r of feedbackRows) getOrCreate(feedbackOf, r.trace_id, () => []).push(toFeedback(r));
      for (const row of rows) {
        const spans = spansOf.get(row.trace_id) ?? [];
        const models = [...new Set(spans.flatMap((s) => (s.model ? [s.model] : [])))];
        out.set(row.trace_id, {
          ...toTraceSummary(row, models),
          spans,
          feedback: feedbackOf.get(row.trace_id) ?? [],
        });
      }
    }
    return out;
  }

  async feedbackFor(projectId: string, traceId: string): Promise<FeedbackRecord[]> {
    const rows = await this.db
      .selectFrom('feedback')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('trace_id', '=', traceId)
      .orderBy('timestamp_ms')
      .orderBy('id')
      .execute();
    return rows.map(toFeedback);
  }

  trafficSeries(projectId: string, query: TrafficQuery): Promise<TrafficSeries> {
    return trafficSeries(this.db, this.dialect, projectId, query);
  }

  opsMetrics(projectId: string, query: OpsMetricsQuery): Promise<OpsMetrics> {
    return opsMetrics(this.db, this.dialect, projectId, query);
  }

  prune(beforeMs: number): Promise<PruneResult> {
    return pruneTraces(this.db, this.dialect, beforeMs);
  }

  replaceSessionSignals(projectId: string, sessionId: string, signals: SignalRecord[]): Promise<void> {
    return signalStore.replaceSessionSignals(this.db, projectId, sessionId, signals);
  }

  signalsForTrace(projectId: string, traceId: string): Promise<SignalRecord[]> {
    return signalStore.signalsForTrace(this.db, projectId, traceId);
  }

  signalsBetween(projectId: string, fromMs: number, toMs: number): Promise<SignalRecord[]> {
    return signalStore.signalsBetween(this.db, projectId, fromMs, toMs);
  }

  sessionActivity(projectId: string, sessionId: string, limit: number): Promise<SessionActivity> {
    return signalStore.sessionActivity(this.db, projectId, sessionId, limit);
  }

  replaceTraceSignals(changes: TraceSignals[]): Promise<void> {
    return signalStore.replaceTraceSignals(this.db, changes);
  }

  sessionTraceCounts(projectId: string, sessionIds: string[]): Promise<Map<string, number>> {
    return signalStore.sessionTraceCounts(this.db, projectId, sessionIds);
  }

  traceSessions(projectId: string, traceIds: string[]): Promise<Map<string, TraceSessionRow>> {
    return signalStore.traceSessions(this.db, projectId, traceIds);
  }

  spanInputs(projectId: string, spans: SpanRef[]): Promise<Map<string, TraceMessage[]>> {
    return signalStore.spanInputs(this.db, projectId, spans);
  }

  recentSessions(sinceMs: number, untilMs?: number): Promise<RecentSession[]> {
    return signalStore.recentSessions(this.db, sinceMs, untilMs);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.onClose();
  }

  private async modelsOf(projectId: string, traceIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (traceIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('spans')
      .select(['trace_id', 'model'])
      .distinct()
      .where('trace_seq', 'in', (eb) =>
        eb
          .selectFrom('traces')
          .select('seq')
          .where('project_id', '=', projectId)
          .where('trace_id', 'in', traceIds),
      )
      .where('model', 'is not', null)
      .execute();
    for (const r of rows) {
      const list = out.get(r.trace_id) ?? [];
      list.push(r.model!);
      out.set(r.trace_id, list.sort());
    }
    return out;
  }
}
