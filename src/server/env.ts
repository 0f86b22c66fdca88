import type { Store } from '../core/store.js';
import type { IngestBatch } from '../core/trace.js';
import type { TraceStore } from '../core/trace-store.js';
import type { SessionStore } from '../core/web-session.js';
import type { IngestQueue } from '../monitor/ingest-queue.js';
import type { ConvertJob } from '../monitor/otlp/convert.js';
import type { OtlpConversion } from '../monitor/otlp/to-batch.js';
import type { SignalStats } from '../monitor/signals-tracker.js';
import type { ReviewStore } from '../review/store.js';
import type { MonitorDeps } from './routes/monitor.js';

/** What the app is built from: the store, the ingest queue in front of it, a clock and limits. */
export interface AppDeps {
  store: TraceStore;
  queue: IngestQueue;
  /** Epoch milliseconds now (tests pass a fixed clock). */
  now?: () => number;
  /** Uniform in [0, 1): whether a review queue's next item is a trap (tests pass a seeded one). */
  random?: () => number;
  /** Largest request body accepted, compressed or not (default 8 MiB). */
  maxBodyBytes?: number;
  /**
   * How long an ingest body may take to arrive once its turn has come (default 30 s): past it, 408,
   * and the turn goes to the next request.
   */
  bodyTimeoutMs?: number;
  /** Decodes and maps an OTLP body (a worker pool in `assay serve`; in-thread by default). */
  convertOtlp?: (job: ConvertJob) => Promise<OtlpConversion>;
  /** Applied to every batch before it is queued: redaction, `ingest.content: false` (see ingest-privacy). */
  transform?: (batch: IngestBatch) => IngestBatch;
  /** Threads decoding OTLP bodies now, exported by `/metrics`. */
  decodingThreads?: () => number;
  /** The signal tracker's counters (when signals are on), exported by `/metrics`. */
  signals?: () => SignalStats;
  /** Set while shutting down: `/readyz` answers 503. */
  isDraining?: () => boolean;
  /** The runs store: with it, the runs API (`/api/v1/runs…`) and the web app at `/` are served. */
  runs?: Store;
  /** With it, the monitoring routes (`/api/v1/monitor/…`, see routes/monitor.ts). */
  monitor?: MonitorDeps;
  /** With it, human review (`/api/v1/review/…`, src/review/) and people's tokens and passwords. */
  reviews?: ReviewStore;
  /** Where the web app's sign-in sessions are kept (`assay serve`: the database; default: memory). */
  sessions?: SessionStore;
  /** The web app's build (default: the package's web/dist), and `Secure` cookies on plain HTTP. */
  web?: { dir?: string; secureCookies?: boolean };
}

/** The Hono environment of every route: the authenticated key's project. */
export interface AppEnv {
  Variables: { projectId: string; keyId: string; userId?: string; role?: 'admin' | 'reviewer' };
}

export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
/**
 * Three times OpenTelemetry's own export timeout (`OTEL_EXPORTER_OTLP_TIMEOUT`, 10 s): an exporter
 * has given up on a body still arriving after it. Node's own limit is 300 s.
 */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;
