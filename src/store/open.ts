import type { Store } from '../core/store.js';

/** Opens the store a `--db` value names: a `postgres://` URL, or a SQLite file path (default). */
export async function openStore(db: string | undefined): Promise<Store> {
  if (db && /^postgres(ql)?:\/\//.test(db)) {
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore(db);
  }
  const { openSqliteStore, DEFAULT_DB } = await import('./sqlite.js');
  return openSqliteStore(db ?? DEFAULT_DB);
}
