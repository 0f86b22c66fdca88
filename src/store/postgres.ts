import { userInfo } from 'node:os';
import { Kysely, PostgresDialect } from 'kysely';
import { importOptional } from '../util/optional-package.js';
import { KyselyStore, storeError } from './kysely-store.js';
import { migrate } from './migrations.js';
import type { Database } from './schema.js';

/**
 * The store on PostgreSQL, for teams that share runs across machines: the same schema and
 * migrations as SQLite. `url` is a connection string (`postgres://user@host:5432/db`); without a
 * user name it connects as `PGUSER`, else as the OS user, as libpq does. `env` is where `PGUSER` is
 * read (the driver reads the other `PG*` variables from the process itself).
 */
export async function openPostgresStore(
  url: string,
  options: { schema?: string; env?: Record<string, string | undefined> } = {},
): Promise<KyselyStore> {
  const who = connectAs(url, options.env ?? process.env);
  const { default: pg } = await importOptional('pg', () => import('pg'));
  // Integers beyond 2^31 (bigserial ids) come back as text by default; ours fit in a double.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  const pool = new pg.Pool({ connectionString: who.url, max: 10 });
  if (options.schema) {
    const schema = options.schema.replace(/"/g, '');
    pool.on('connect', (client) => {
      client.query(`SET search_path TO "${schema}"`).catch(() => {});
    });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(db, 'postgres', options.schema);
  } catch (error) {
    await db.destroy();
    throw storeError(`cannot open the PostgreSQL store ${who.describe}`, error);
  }
  return new KyselyStore(db, 'postgres');
}

/**
 * The URL with its user filled in the way libpq picks one (the URL's, `PGUSER`, the OS user), and
 * words naming where it connects and as whom — never the password.
 */
export function connectAs(
  url: string,
  env: Record<string, string | undefined>,
): { url: string; user: string | undefined; describe: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, user: undefined, describe: '(the URL could not be read)' };
  }
  const at = `at ${parsed.host}${parsed.pathname}`;
  if (parsed.username) {
    const user = decodeURIComponent(parsed.username);
    return { url, user, describe: `${at} as user "${user}"` };
  }
  const from = env.PGUSER ? 'PGUSER' : 'the OS user';
  const user = env.PGUSER || osUser();
  if (!user) {
    return { url, user, describe: `${at} (no user: none in the URL, PGUSER unset, no OS user name)` };
  }
  parsed.username = user;
  return {
    url: parsed.toString(),
    user,
    describe: `${at} as user "${user}" (${from}; the URL names none)`,
  };
}

function osUser(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    // A uid with no entry in /etc/passwd, as in some containers.
    return undefined;
  }
}
