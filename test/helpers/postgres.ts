import pg from 'pg';

/** The test database: `ASSAY_TEST_PG_URL`, else the local server CI starts (trust auth, database `test`). */
export const PG_URL = process.env.ASSAY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether PostgreSQL answers, and why not. */
export async function probePostgres(url = PG_URL): Promise<{ ok: true } | { ok: false; why: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, why: (error as Error).message || String(error) };
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs one statement on its own connection and gives its rows (what a test checks in the database). */
export async function pgQuery<T>(sql: string, url = PG_URL): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Runs one statement on its own connection (schema set-up and clean-up). */
export async function pgExec(sql: string, url = PG_URL): Promise<void> {
  await pgQuery(sql, url);
}

/** A schema name no other test run uses. */
export function freshSchema(prefix = 'assay_test'): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
}
