import type { Store } from '../core/store.js';
import type { TraceStore } from '../core/trace-store.js';
import type { SessionStore } from '../core/web-session.js';
import type { AlertStore } from '../monitor/alert-store.js';
import type { DriftWindowStore } from '../monitor/drift-store.js';
import type { WindowClaims } from '../monitor/window-claims.js';
import type { ReviewStore } from '../review/store.js';
import type { KyselyStore } from './kysely-store.js';

async function openKyselyStore(db: string | undefined): Promise<KyselyStore> {
  if (db && /^postgres(ql)?:\/\//.test(db)) {
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore(db);
  }
  const { openSqliteStore, DEFAULT_DB } = await import('./sqlite.js');
  return openSqliteStore(db ?? DEFAULT_DB);
}

/** Opens the store a `--db` value names: a `postgres://` URL, or a SQLite file path (default). */
export async function openStore(db: string | undefined): Promise<Store> {
  return openKyselyStore(db);
}

/** Opens the trace store (projects, keys, traces) a `--db` value names, migrated. */
export async function openTraceStore(db: string | undefined): Promise<TraceStore> {
  const { traceStoreOn } = await import('./trace-store.js');
  return traceStoreOn(await openKyselyStore(db));
}

/** Runs and traces on one connection (what `assay serve` reads and writes); closing `traces` closes both. */
export async function openStores(db: string | undefined): Promise<{
  runs: Store;
  traces: TraceStore;
  alerts: AlertStore;
  reviews: ReviewStore;
  sessions: SessionStore;
  claims: WindowClaims;
  driftWindows: DriftWindowStore;
}> {
  const { traceStoreOn } = await import('./trace-store.js');
  const { kyselyWindowClaims } = await import('./window-claims.js');
  const { kyselyAlertStore } = await import('./alert-store.js');
  const { kyselyReviewStore } = await import('./review-store.js');
  const { kyselySessionStore } = await import('./session-store.js');
  const { kyselyDriftWindowStore } = await import('./drift-window-store.js');
  const store = await openKyselyStore(db);
  return {
    runs: store,
    traces: traceStoreOn(store),
    alerts: kyselyAlertStore(store.db),
    reviews: kyselyReviewStore(store.db),
    sessions: kyselySessionStore(store.db),
    claims: kyselyWindowClaims(store.db, store.dialect),
    driftWindows: kyselyDriftWindowStore(store.db),
  };
}

/** The stores `assay monitor` and `assay alerts` read and write, on one connection. */
export async function openMonitorStores(db: string | undefined): Promise<{
  runs: Store;
  traces: TraceStore;
  alerts: AlertStore;
  reviews: ReviewStore;
  /** The servers' monitor claims: a pass here waits for a server's pass of the same project. */
  claims: WindowClaims;
  close(): Promise<void>;
}> {
  const store = await openKyselyStore(db);
  const { kyselyWindowClaims } = await import('./window-claims.js');
  const { traceStoreOn } = await import('./trace-store.js');
  const { kyselyAlertStore } = await import('./alert-store.js');
  const { kyselyReviewStore } = await import('./review-store.js');
  const traces = traceStoreOn(store);
  return {
    runs: store,
    traces,
    alerts: kyselyAlertStore(store.db),
    reviews: kyselyReviewStore(store.db),
    claims: kyselyWindowClaims(store.db, store.dialect),
    close: () => traces.close(),
  };
}
