import type { Selectable } from 'kysely';
import type {
  ApiKeyRecord,
  EventRecord,
  FeedbackRecord,
  Project,
  SpanKind,
  SpanRecord,
  SpanScoreRecord,
  TraceSummary,
} from '../core/trace.js';
import type { Dialect } from './migrations.js';
import type { Database, SpanRow } from './schema.js';
import { SPAN_COLUMNS, spanValues } from './span-values.js';

/** Rows ↔ records of the trace tables, shared by the SQLite writer and the Kysely store. */

/** A span's identity, as a map key: what a resent span is recognised by. */
export function spanKey(projectId: string, traceId: string, spanId: string): string {
  return `${projectId}\u0000${traceId}\u0000${spanId}`;
}

/** A span's row as an object (the Kysely write path's). */
export function spanRow(s: SpanRecord): SpanRow {
  const values = spanValues(s);
  const row: Record<string, unknown> = {};
  for (let i = 0; i < SPAN_COLUMNS.length; i++) row[SPAN_COLUMNS[i]!] = values[i];
  return row as unknown as SpanRow;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function toSpan(r: SpanRow): SpanRecord {
  return {
    projectId: r.project_id,
    traceId: r.trace_id,
    spanId: r.span_id,
    parentSpanId: r.parent_span_id,
    name: r.name,
    kind: r.kind as SpanKind,
    startMs: Number(r.start_ms),
    endMs: num(r.end_ms),
    model: r.model,
    provider: r.provider,
    operation: r.operation,
    inputTokens: num(r.input_tokens),
    outputTokens: num(r.output_tokens),
    totalTokens: num(r.total_tokens),
    costUsd: num(r.cost_usd),
    input: JSON.parse(r.input),
    output: JSON.parse(r.output),
    contexts: JSON.parse(r.contexts),
    attributes: JSON.parse(r.attributes),
    status: r.status as SpanRecord['status'],
    error: r.error,
    sessionId: r.session_id,
    userId: r.user_id,
    tags: JSON.parse(r.tags),
    promptVersion: r.prompt_version,
    source: r.source as SpanRecord['source'],
  };
}

/**
 * The `traces` row a set of newly stored spans of one trace adds (merged into an existing row by
 * upsert), but its number (`seq`), which the writer gives a new trace before its spans are stored.
 */
export type TraceDelta = Omit<Database['traces'], 'seq'>;

/** Sums newly stored spans per trace: one upsert per trace per commit, not one per span. */
export function traceDeltas(spans: SpanRecord[]): TraceDelta[] {
  const byTrace = new Map<string, TraceDelta>();
  for (const s of spans) {
    const key = `${s.projectId}\u0000${s.traceId}`;
    let t = byTrace.get(key);
    const root = s.parentSpanId === null ? 1 : 0;
    if (!t) {
      t = {
        project_id: s.projectId,
        trace_id: s.traceId,
        name: s.name,
        has_root: root,
        start_ms: s.startMs,
        end_ms: s.endMs,
        span_count: 0,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: null,
        error_count: 0,
        session_id: null,
        user_id: null,
        segment: null,
        prompt_version: null,
      };
      byTrace.set(key, t);
    } else {
      if (root && !t.has_root) {
        t.name = s.name;
        t.has_root = 1;
      }
      if (s.startMs < t.start_ms) t.start_ms = s.startMs;
      if (s.endMs !== null && (t.end_ms === null || s.endMs > t.end_ms)) t.end_ms = s.endMs;
    }
    t.span_count += 1;
    t.input_tokens += s.inputTokens ?? 0;
    t.output_tokens += s.outputTokens ?? 0;
    if (s.costUsd !== null) t.cost_usd = (t.cost_usd ?? 0) + s.costUsd;
    if (s.status === 'error') t.error_count += 1;
    t.session_id ??= s.sessionId;
    t.user_id ??= s.userId;
    t.segment ??= s.tags.segment || null;
    t.prompt_version ??= s.promptVersion || null;
  }
  return [...byTrace.values()];
}

/**
 * How a stored `traces` row absorbs a delta for the same trace (`excluded`), column by column: the
 * upsert's SET clause of both write paths (SQLite's prepared statement, PostgreSQL's Kysely insert).
 */
export function traceMerge(
  dialect: Dialect,
): Record<Exclude<keyof TraceDelta, 'project_id' | 'trace_id'>, string> {
  const [max, min] = dialect === 'postgres' ? ['greatest', 'least'] : ['max', 'min'];
  return {
    name: 'case when traces.has_root = 1 then traces.name else excluded.name end',
    has_root: `${max}(traces.has_root, excluded.has_root)`,
    start_ms: `${min}(traces.start_ms, excluded.start_ms)`,
    // Coalesced both ways: SQLite's max() of a null is null (PostgreSQL's greatest() skips it).
    end_ms: `${max}(coalesce(traces.end_ms, excluded.end_ms), coalesce(excluded.end_ms, traces.end_ms))`,
    span_count: 'traces.span_count + excluded.span_count',
    input_tokens: 'traces.input_tokens + excluded.input_tokens',
    output_tokens: 'traces.output_tokens + excluded.output_tokens',
    cost_usd:
      'case when traces.cost_usd is null then excluded.cost_usd when excluded.cost_usd is null then traces.cost_usd else traces.cost_usd + excluded.cost_usd end',
    error_count: 'traces.error_count + excluded.error_count',
    session_id: 'coalesce(traces.session_id, excluded.session_id)',
    user_id: 'coalesce(traces.user_id, excluded.user_id)',
    segment: 'coalesce(traces.segment, excluded.segment)',
    prompt_version: 'coalesce(traces.prompt_version, excluded.prompt_version)',
  };
}

export function toTraceSummary(r: Selectable<Database['traces']>, models: string[]): TraceSummary {
  return {
    traceId: r.trace_id,
    name: r.name,
    startMs: Number(r.start_ms),
    endMs: num(r.end_ms),
    spanCount: Number(r.span_count),
    models,
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    costUsd: num(r.cost_usd),
    errorCount: Number(r.error_count),
    sessionId: r.session_id,
    userId: r.user_id,
    segment: r.segment,
    promptVersion: r.prompt_version,
  };
}

export function scoreRow(s: SpanScoreRecord) {
  return {
    project_id: s.projectId,
    trace_id: s.traceId,
    span_id: s.spanId,
    name: s.name,
    value: s.value,
    label: s.label,
    explanation: s.explanation,
    source: s.source,
    created_ms: s.createdMs,
  };
}

export function toScore(r: Selectable<Database['span_scores']>): SpanScoreRecord {
  return {
    projectId: r.project_id,
    traceId: r.trace_id,
    spanId: r.span_id,
    name: r.name,
    value: num(r.value),
    label: r.label,
    explanation: r.explanation,
    source: r.source,
    createdMs: Number(r.created_ms),
  };
}

export function feedbackRow(f: FeedbackRecord): Database['feedback'] {
  return {
    project_id: f.projectId,
    id: f.id,
    trace_id: f.traceId,
    name: f.name,
    value: f.value,
    comment: f.comment,
    correction: f.correction,
    escalated: f.escalated ? 1 : 0,
    user_id: f.userId,
    timestamp_ms: f.timestampMs,
  };
}

export function toFeedback(r: Selectable<Database['feedback']>): FeedbackRecord {
  return {
    projectId: r.project_id,
    id: r.id,
    traceId: r.trace_id,
    name: r.name,
    value: num(r.value),
    comment: r.comment,
    correction: r.correction,
    escalated: Number(r.escalated) === 1,
    userId: r.user_id,
    timestampMs: Number(r.timestamp_ms),
  };
}

export function eventRow(e: EventRecord): Database['events'] {
  return {
    project_id: e.projectId,
    id: e.id,
    type: e.type,
    trace_id: e.traceId,
    timestamp_ms: e.timestampMs,
    data: JSON.stringify(e.data),
  };
}

export function toProject(r: Selectable<Database['projects']>): Project {
  return { id: r.id, name: r.name, createdAt: r.created_at };
}

export function toApiKey(r: Selectable<Database['api_keys']>): ApiKeyRecord {
  return {
    id: r.id,
    projectId: r.project_id,
    hash: r.hash,
    prefix: r.prefix,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  };
}

/** The page cursor: the last trace's start time and id, so pages never skip or repeat a trace. */
export function encodeCursor(startMs: number, traceId: string): string {
  return Buffer.from(JSON.stringify([startMs, traceId])).toString('base64url');
}

export function decodeCursor(cursor: string): { startMs: number; traceId: string } | undefined {
  try {
    const [startMs, traceId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof startMs === 'number' && typeof traceId === 'string') return { startMs, traceId };
  } catch {}
  return undefined;
}
