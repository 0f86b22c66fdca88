import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { serve } from '@hono/node-server';
import type { IngestConfig } from '../config/ingest.js';
import { monitorSchema } from '../config/monitor.js';
import type { TraceStore } from '../core/trace-store.js';
import type { Embedder } from '../embeddings/embedder.js';
import { LOCAL_EMBEDDER_ID } from '../embeddings/local.js';
import { bootstrapProject } from '../monitor/api-keys.js';
import { privacyTransform } from '../monitor/ingest-privacy.js';
import { IngestQueue } from '../monitor/ingest-queue.js';
import { ConvertPool } from '../monitor/otlp/convert-pool.js';
import { SignalTracker } from '../monitor/signals-tracker.js';
import { startMonitorWorker, type WorkerOptions } from '../monitor/worker.js';
import { openStores } from '../store/open.js';
import { SqliteStore } from '../store/sqlite.js';
import { startCheckpointer } from '../store/sqlite-checkpointer.js';
import { createApp } from './app.js';
import type { AppDeps } from './env.js';

/** How long an idle kept-alive connection is kept: past the minute most clients and proxies keep one. */
const KEEP_ALIVE_MS = 65_000;

export interface ServeOptions {
  host?: string;
  port?: number;
  /** `--db`: a SQLite file or a postgres:// URL. */
  db?: string;
  /** Records waiting for a commit at most before 503 (default 4,096). */
  queueCapacity?: number;
  maxBodyBytes?: number;
  /** The built web app to serve at `/` (default: the package's web/dist). */
  webDir?: string;
  /**
   * Worker threads decoding OTLP bodies (default: 1 where there is a second core, else 0: the main
   * thread). A thread decodes, maps and renders each span's row, and hands the rows over (PackedSpan):
   * the main thread's CPU per span halves, for ~5 µs a span more in all (docs/benchmarks.md).
   */
  threads?: number;
  /**
   * The `monitor:` section: with it, the monitoring routes are served and the monitor worker
   * computes each window as it closes (drift, online evaluators, alerts).
   */
  monitor?: Omit<WorkerOptions, 'traces' | 'alerts' | 'runs' | 'claims' | 'driftWindows'>;
  /** The `ingest:` section: redaction or metadata only, applied before anything is stored. */
  ingest?: IngestConfig;
  /** The embedder of the rephrase signal (default: the offline local one); see `ingest.signals.embedder`. */
  signalEmbedder?: Embedder;
  /** Where the start-up lines go (default stdout). */
  print?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  store: TraceStore;
  queue: IngestQueue;
  /** Implicit signals, recomputed per session after each commit (undefined with `ingest.signals.enabled: false`). */
  signals: SignalTracker | undefined;
  /** Stops accepting, lets requests in flight finish, commits what is queued, closes the store. */
  close(): Promise<void>;
}

/** One decoding thread where a second core can run it; none on a single core. */
export function defaultThreads(): number {
  return availableParallelism() > 1 ? 1 : 0;
}

/**
 * Starts `assay serve`: opens and migrates the store, creates project `default` with one key on an
 * empty store (printed once), and listens. The first line printed is `assay: listening on URL`.
 */
export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const host = options.host ?? '127.0.0.1';
  const {
    runs,
    traces: store,
    alerts,
    reviews,
    sessions,
    claims,
    driftWindows,
  } = await openStores(options.db);
  const firstKey = await bootstrapProject(store);
  const queue = new IngestQueue((batch) => store.writeIngest(batch), { capacity: options.queueCapacity });
  const signalConfig = options.ingest?.signals;
  const pool = new ConvertPool(options.threads ?? defaultThreads());
  // SQLite: the WAL checkpointed off the commits' (ingest) thread, by the decoding thread if any.
  const checkpointer =
    runs instanceof SqliteStore ? startCheckpointer(runs.sqlite, { threads: pool }) : undefined;
  // The local embedder runs on a decoding thread when there is one (off the commit thread).
  const local = !options.signalEmbedder || options.signalEmbedder.id === LOCAL_EMBEDDER_ID;
  const signals =
    signalConfig?.enabled === false
      ? undefined
      : new SignalTracker(store, {
          embedder: local ? pool.localEmbedder() : options.signalEmbedder!,
          embedsElsewhere: local ? pool.threads > 0 : !options.signalEmbedder!.id.startsWith('local:'),
          signals: {
            windowMs: (signalConfig?.windowSeconds ?? 120) * 1000,
            rephraseThreshold: signalConfig?.rephraseThreshold ?? 0.8,
            abandonMs: (signalConfig?.abandonMinutes ?? 30) * 60_000,
          },
        }).attach(queue);
  signals?.restore();
  let draining = false;
  const monitor = options.monitor;
  const transform = options.ingest ? privacyTransform(options.ingest) : undefined;
  const deps: AppDeps = {
    store,
    queue,
    isDraining: () => draining,
    runs,
    reviews,
    sessions,
    convertOtlp: (job) => pool.convert(job),
    decodingThreads: () => pool.threads,
    ...(signals ? { signals: () => signals.stats() } : {}),
    // Without a monitor: section the monitoring page still reads recorded alerts (`assay monitor
    // run`) and drift, with default settings.
    monitor: {
      config: monitor?.config ?? monitorSchema.parse({}),
      alerts,
      runs,
      windows: driftWindows,
      ...(monitor?.embed ? { embed: monitor.embed } : {}),
      ...(monitor?.embedder ? { embedder: monitor.embedder } : {}),
    },
    ...(transform ? { transform } : {}),
    ...(options.webDir ? { web: { dir: options.webDir } } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
  };
  const app = createApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 4318 }, () => resolve(s));
    s.once('error', reject);
  });
  // Exporters send every few seconds on a kept-alive connection (OpenTelemetry's batch processor
  // every 5 s), and Node closes one idle for 5 s: closing it as a client sends on it fails that
  // request with a reset (bench/ingest.ts caught one on a socket reused after 6.2 s). Idle
  // connections are kept for longer than clients leave them idle; `close` still ends them at once.
  (server as { keepAliveTimeout: number }).keepAliveTimeout = KEEP_ALIVE_MS;
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  print(`assay: listening on ${url}`);
  if (firstKey) {
    print('assay: created project "default" and its first API key (shown once, store it now):');
    print(`  ${firstKey}`);
  }
  const worker = monitor
    ? startMonitorWorker({ ...monitor, traces: store, alerts, runs, reviews, claims, driftWindows })
    : undefined;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections would hold `close` open; requests in flight finish first.
      (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      const idle = setInterval(
        () => (server as { closeIdleConnections?: () => void }).closeIdleConnections?.(),
        100,
      );
      const force = setTimeout(
        () => (server as { closeAllConnections?: () => void }).closeAllConnections?.(),
        10_000,
      );
      await closed;
      await worker?.stop();
      clearInterval(idle);
      clearTimeout(force);
      await queue.drain();
      await signals?.close();
      await pool.close();
      await checkpointer?.stop();
      await store.close();
    })();
    return closing;
  };
  return { url, store, queue, signals, close };
}
