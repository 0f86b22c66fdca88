import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: DDL runs before the typed tables exist.
type AnyDb = Kysely<any>;

/**
 * 007_signals: implicit signals (rephrase, retry, abandoned, time to completion, turns), one row per
 * trace × kind. A session's rows are replaced whole when it is recomputed.
 */
export async function createSignalTables(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('signals')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('computed_ms', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('signals_pk', ['project_id', 'trace_id', 'kind'])
    .execute();
  await db.schema
    .createIndex('signals_session_idx')
    .on('signals')
    .columns(['project_id', 'session_id'])
    .execute();
  await db.schema
    .createIndex('signals_time_idx')
    .on('signals')
    .columns(['project_id', 'computed_ms'])
    .execute();
}
