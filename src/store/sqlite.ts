import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { ResultRecord } from '../core/run.js';
import type { DatasetRecord, SaveResultsOptions } from '../core/store.js';
import { makeFolder } from '../util/make-folder.js';
import { KyselyStore, storeError } from './kysely-store.js';
import { migrate } from './migrations.js';
import type { Database } from './schema.js';
import { SqliteResultWriter } from './sqlite-writer.js';

export const DEFAULT_DB = '.assay/assay.db';

/**
 * The default store: one SQLite file (WAL mode, so a reader never blocks the writer and a killed
 * run loses nothing committed). `:memory:` gives a throwaway database.
 */
export async function openSqliteStore(file: string = DEFAULT_DB): Promise<SqliteStore> {
  const { default: Sqlite } = await import('better-sqlite3');
  if (file !== ':memory:') await makeFolder(dirname(file), file);
  let sqlite: InstanceType<typeof Sqlite>;
  try {
    sqlite = new Sqlite(file);
    // 8 KiB pages for a new file (an existing one keeps its own): a span's row (1–3 KB of messages)
    // then shares its page, and ingestion's inserts cost ~15% less CPU (docs/benchmarks.md).
    sqlite.pragma('page_size = 8192');
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
  return new SqliteStore(db, sqlite);
}

/** The Kysely store with SQLite's hot path (saving results and cache entries) on prepared statements. */
export class SqliteStore extends KyselyStore {
  private readonly writer: SqliteResultWriter;

  constructor(
    db: Kysely<Database>,
    /** The connection under Kysely, for the write paths on prepared statements. */
    readonly sqlite: BetterSqlite3.Database,
  ) {
    super(db, 'sqlite');
    this.writer = new SqliteResultWriter(sqlite);
  }

  override async saveDataset(record: DatasetRecord, cases: unknown[]): Promise<void> {
    this.writer.saveDataset(record, cases);
  }

  override async saveResults(results: ResultRecord[], options: SaveResultsOptions = {}): Promise<void> {
    // More work in the transaction: Kysely's transaction runs it (the prepared path cannot).
    if (options.inTransaction) return super.saveResults(results, options);
    if (results.length === 0 && this.pendingCache.size === 0) return;
    this.writer.write(results, this.takeCache());
  }

  override async cacheGet(key: string): Promise<unknown | undefined> {
    const text = this.pendingCache.get(key) ?? this.writer.cacheValue(key);
    return text === undefined ? undefined : JSON.parse(text);
  }

  protected override async flushCache(): Promise<void> {
    if (this.pendingCache.size > 0) this.writer.write([], this.takeCache());
  }
}
