import type { OpsMetrics, OpsMetricsQuery } from './ops-metrics.js';
import type { SignalRecord } from './signal.js';
import type {
  ApiKeyRecord,
  FeedbackRecord,
  IngestBatch,
  Project,
  SpanRecord,
  TraceDetail,
  TraceMessage,
  TracePage,
  TraceQuery,
} from './trace.js';
import type { TrafficQuery, TrafficSeries } from './traffic-series.js';

/** A span of a project, by its trace and span ids. */
export interface SpanRef {
  traceId: string;
  spanId: string;
}

/** A span ref as a map key. */
export const spanRefKey = (ref: SpanRef) => `${ref.traceId}\u0000${ref.spanId}`;

/** What a commit of an ingest batch wrote; records already stored (same ids) are skipped. */
export interface IngestWriteResult {
  spans: number;
  scores: number;
  feedback: number;
  events: number;
}

/** A session's latest traces as the signals read them: spans with a model (by start) and feedback. */
export interface SessionActivity {
  spans: SpanRecord[];
  feedback: FeedbackRecord[];
}

/** A session with recent traffic: when its last trace ended, and when its signals were last computed. */
export interface RecentSession {
  projectId: string;
  sessionId: string;
  /** The latest end (or start, without an end) of its traces in the range asked for. */
  lastMs: number;
  /** How long the longest of those traces ran (its end, or start without one, less its start). */
  longestMs: number;
  /** The latest `computedMs` of its signals; null when none is stored. */
  computedMs: number | null;
}

/** The signals of some traces of one project, replacing every signal those traces had. */
export interface TraceSignals {
  projectId: string;
  traceIds: string[];
  signals: SignalRecord[];
}

/** A trace as the incremental signals check it: the session it belongs to and its span count. */
export interface TraceSessionRow {
  sessionId: string | null;
  spanCount: number;
}

/**
 * The store port of production traffic: projects and API keys, the ingest write path, and reads.
 * SQLite and PostgreSQL adapters implement it and pass one contract suite
 * (`test/helpers/trace-store-contract.ts`).
 */
/** What `prune` deleted, per table. */
export interface PruneResult {
  traces: number;
  spans: number;
  scores: number;
  feedback: number;
  events: number;
}

export interface TraceStore {
  /** The project of that name, created if missing. */
  ensureProject(name: string): Promise<Project>;
  projectByName(name: string): Promise<Project | undefined>;
  listProjects(): Promise<Project[]>;

  saveApiKey(key: ApiKeyRecord): Promise<void>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked; false when no key has that id (or it was revoked already). */
  revokeApiKey(id: string, at: string): Promise<boolean>;
  /** The key whose hash this is, revoked or not; the caller checks `revokedAt`. */
  apiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  /** The key with this id, revoked or not (a web session names its key by id). */
  apiKeyById(id: string): Promise<ApiKeyRecord | undefined>;

  /**
   * Writes a batch in one transaction, skipping records whose ids are stored already. When this
   * resolves, the batch is durable: only then may the server acknowledge it.
   */
  writeIngest(batch: IngestBatch): Promise<IngestWriteResult>;

  listTraces(projectId: string, query?: TraceQuery): Promise<TracePage>;
  /** A trace with every span, its scores and the trace's feedback; undefined outside this project. */
  getTrace(projectId: string, traceId: string): Promise<TraceDetail | undefined>;
  feedbackFor(projectId: string, traceId: string): Promise<FeedbackRecord[]>;
  /**
   * Many traces at once, each as `getTrace` gives it, with its signals as `signalsForTrace` gives
   * them, in a few queries (the monitor reads a page of traffic this way); ids not stored are absent.
   */
  tracesWithSignals(projectId: string, traceIds: readonly string[]): Promise<Map<string, TraceWithSignals>>;

  /** Volume, errors, latency, cost, tokens, feedback and scores per time bucket (the monitoring page). */
  trafficSeries(projectId: string, query: TrafficQuery): Promise<TrafficSeries>;

  /** Latency percentiles, error rate, cost per query and token efficiency per model, segment or hour. */
  opsMetrics(projectId: string, query: OpsMetricsQuery): Promise<OpsMetrics>;

  /** Deletes traces started before `beforeMs` with their spans, scores, feedback and events (`assay prune`). */
  prune(beforeMs: number): Promise<PruneResult>;

  /** Replaces every signal of a session by these (recomputing a session is idempotent). */
  replaceSessionSignals(projectId: string, sessionId: string, signals: SignalRecord[]): Promise<void>;
  signalsForTrace(projectId: string, traceId: string): Promise<SignalRecord[]>;
  /** Signals computed in [fromMs, toMs), oldest first. */
  signalsBetween(projectId: string, fromMs: number, toMs: number): Promise<SignalRecord[]>;
  /** The session's latest `limit` traces: their spans with a model and their feedback. */
  sessionActivity(projectId: string, sessionId: string, limit: number): Promise<SessionActivity>;
  /** Replaces the signals of these traces, all in one transaction (a session extended by new turns). */
  replaceTraceSignals(changes: TraceSignals[]): Promise<void>;
  /** How many traces each of these sessions has (sessions without any are absent). */
  sessionTraceCounts(projectId: string, sessionIds: string[]): Promise<Map<string, number>>;
  /** The session and span count of each of these traces that is stored. */
  traceSessions(projectId: string, traceIds: string[]): Promise<Map<string, TraceSessionRow>>;
  /**
   * The input messages of these spans, by `spanRefKey`; spans not stored are absent. The signals
   * read a turn's user text here when they compare it, rather than holding it while the turn waits.
   */
  spanInputs(projectId: string, spans: SpanRef[]): Promise<Map<string, TraceMessage[]>>;
  /**
   * Sessions (of every project) with a trace started since `sinceMs` (and before `untilMs`, when
   * given), each with the latest end of those traces: what a restart resumes, and where the signal
   * tracker looks up the sessions it could not hold in memory.
   */
  recentSessions(sinceMs: number, untilMs?: number): Promise<RecentSession[]>;

  /** Whether the database answers (for `/readyz`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A trace with its spans, scores and feedback, and the implicit signals stored for it. */
export interface TraceWithSignals {
  detail: TraceDetail;
  signals: SignalRecord[];
}
