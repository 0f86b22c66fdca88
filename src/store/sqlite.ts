import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyStore, storeError } from './kysely-store.js';
import { migrate } from './migrations.js';
import type { Database } from './schema.js';

export const DEFAULT_DB = '.assay/assay.db';

/**
 * The default store: one SQLite file (WAL mode, so a reader never blocks the writer and a killed
 * run loses nothing committed). `:memory:` gives a throwaway database.
 */
export async function openSqliteStore(file: string = DEFAULT_DB): Promise<KyselyStore> {
  const { default: Sqlite } = await import('better-sqlite3');
  let sqlite: InstanceType<typeof Sqlite>;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    sqlite = new Sqlite(file);
    sqlite.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit survives a killed process; only a power cut may lose the last ones.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
  } catch (error) {
    throw storeError(`cannot open the SQLite store ${file}`, error);
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await migrate(db, 'sqlite');
  } catch (error) {
    await db.destroy();
    throw storeError(`cannot migrate the SQLite store ${file}`, error);
  }
  return new KyselyStore(db, 'sqlite');
}
