import { Kysely, PostgresDialect } from 'kysely';
import { KyselyStore, storeError } from './kysely-store.js';
import { migrate } from './migrations.js';
import type { Database } from './schema.js';

/**
 * The store on PostgreSQL, for teams that share runs across machines: the same schema and
 * migrations as SQLite. `url` is a connection string (`postgres://user@host:5432/db`).
 */
export async function openPostgresStore(
  url: string,
  options: { schema?: string } = {},
): Promise<KyselyStore> {
  const { default: pg } = await import('pg');
  // Integers beyond 2^31 (bigserial ids) come back as text by default; ours fit in a double.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  if (options.schema) {
    const schema = options.schema.replace(/"/g, '');
    pool.on('connect', (client) => {
      client.query(`SET search_path TO "${schema}"`).catch(() => {});
    });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (options.schema) await db.schema.createSchema(options.schema).ifNotExists().execute();
    await migrate(db, 'postgres');
  } catch (error) {
    await db.destroy();
    throw storeError(`cannot open the PostgreSQL store`, error);
  }
  return new KyselyStore(db, 'postgres');
}
