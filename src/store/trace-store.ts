import type { IngestBatch } from '../core/trace.js';
import type { IngestWriteResult, TraceStore } from '../core/trace-store.js';
import type { KyselyStore } from './kysely-store.js';
import { KyselyTraceStore } from './kysely-trace-store.js';
import { SqliteStore } from './sqlite.js';
import { SqliteTraceWriter } from './sqlite-trace-writer.js';

/** The trace store on SQLite: the Kysely reads, and the ingest writes on prepared statements. */
export class SqliteTraceStore extends KyselyTraceStore {
  private readonly writer: SqliteTraceWriter;

  constructor(store: SqliteStore, onClose: () => Promise<void>) {
    super(store.db, 'sqlite', onClose);
    this.writer = new SqliteTraceWriter(store.sqlite);
  }

  override async writeIngest(batch: IngestBatch): Promise<IngestWriteResult> {
    return this.writer.write(batch);
  }
}

/**
 * The trace store on an open store's connection: SQLite or PostgreSQL, migrated already.
 * Closing it closes the store.
 */
export function traceStoreOn(store: KyselyStore): TraceStore {
  const close = () => store.close();
  return store instanceof SqliteStore
    ? new SqliteTraceStore(store, close)
    : new KyselyTraceStore(store.db, store.dialect, close);
}
