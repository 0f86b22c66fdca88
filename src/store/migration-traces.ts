import { type Kysely, sql } from 'kysely';
import type { Dialect } from './migrations.js';
import { HOUR } from './rollup-cells.js';
import { rebuildRollups } from './rollup-rebuild.js';

// biome-ignore lint/suspicious/noExplicitAny: DDL runs before the typed tables exist.
type AnyDb = Kysely<any>;

/**
 * Production traffic: projects and API keys, traces (one summary row per trace, kept up to date
 * as its spans arrive) and spans, scores on spans, feedback, and native events as received.
 * Times are epoch milliseconds in `double precision` so both dialects sort and compare them alike.
 * Indexes serve the reads the API makes: a project's traces by time, by session, by segment; its
 * spans by time and by model. No more than that: every index costs the ingest path a write.
 */
export async function createTraceTables(db: AnyDb, dialect: Dialect): Promise<void> {
  const ms = 'double precision';
  await db.schema
    .createTable('projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createTable('traces')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('has_root', 'integer', (c) => c.notNull())
    .addColumn('start_ms', ms, (c) => c.notNull())
    .addColumn('end_ms', ms)
    .addColumn('span_count', 'integer', (c) => c.notNull())
    .addColumn('input_tokens', 'integer', (c) => c.notNull())
    .addColumn('output_tokens', 'integer', (c) => c.notNull())
    .addColumn('cost_usd', 'double precision')
    .addColumn('error_count', 'integer', (c) => c.notNull())
    .addColumn('session_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('segment', 'text')
    .addPrimaryKeyConstraint('traces_pk', ['project_id', 'trace_id'])
    .execute();
  await db.schema.createIndex('traces_time_idx').on('traces').columns(['project_id', 'start_ms']).execute();
  await db.schema
    .createIndex('traces_session_idx')
    .on('traces')
    .columns(['project_id', 'session_id', 'start_ms'])
    .execute();
  await db.schema
    .createIndex('traces_segment_idx')
    .on('traces')
    .columns(['project_id', 'segment', 'start_ms'])
    .execute();
  await db.schema
    .createTable('spans')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('span_id', 'text', (c) => c.notNull())
    .addColumn('parent_span_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('start_ms', ms, (c) => c.notNull())
    .addColumn('end_ms', ms)
    .addColumn('model', 'text')
    .addColumn('provider', 'text')
    .addColumn('operation', 'text')
    .addColumn('input_tokens', 'integer')
    .addColumn('output_tokens', 'integer')
    .addColumn('total_tokens', 'integer')
    .addColumn('cost_usd', 'double precision')
    .addColumn('input', 'text', (c) => c.notNull())
    .addColumn('output', 'text', (c) => c.notNull())
    .addColumn('contexts', 'text', (c) => c.notNull())
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('session_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('segment', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('spans_pk', ['project_id', 'trace_id', 'span_id'])
    .execute();
  await db.schema.createIndex('spans_time_idx').on('spans').columns(['project_id', 'start_ms']).execute();
  await db.schema
    .createIndex('spans_model_idx')
    .on('spans')
    .columns(['project_id', 'model', 'start_ms'])
    .execute();
  const id = (t: ReturnType<AnyDb['schema']['createTable']>) =>
    dialect === 'postgres'
      ? t.addColumn('id', 'bigserial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  await id(db.schema.createTable('span_scores'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('span_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('label', 'text')
    .addColumn('explanation', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_ms', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('span_scores_trace_idx')
    .on('span_scores')
    .columns(['project_id', 'trace_id'])
    .execute();
  await db.schema
    .createTable('feedback')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('comment', 'text')
    .addColumn('correction', 'text')
    .addColumn('escalated', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('timestamp_ms', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('feedback_pk', ['project_id', 'id'])
    .execute();
  await db.schema
    .createIndex('feedback_trace_idx')
    .on('feedback')
    .columns(['project_id', 'trace_id'])
    .execute();
  await db.schema
    .createTable('events')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('timestamp_ms', ms, (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('events_pk', ['project_id', 'id'])
    .execute();
}

/** `prompt_version` on traces and spans (null before this migration: nothing named one). */
export async function addPromptVersion(db: AnyDb): Promise<void> {
  await db.schema.alterTable('traces').addColumn('prompt_version', 'text').execute();
  await db.schema.alterTable('spans').addColumn('prompt_version', 'text').execute();
  await db.schema
    .createIndex('traces_prompt_version_idx')
    .on('traces')
    .columns(['project_id', 'prompt_version', 'start_ms'])
    .execute();
}

/**
 * The hourly rollups (`rollup-cells.ts`), filled from the traces already stored; and the time
 * indexes the series' feedback and score counts read. Empty segments and prompt versions become
 * null first: a rollup key has one "none", as the ingest path has since it stores '' as null.
 */
export async function createRollupTables(db: AnyDb, dialect: Dialect): Promise<void> {
  for (const table of ['traces', 'spans'])
    for (const column of ['segment', 'prompt_version'])
      await db
        .updateTable(table)
        .set({ [column]: null })
        .where(column, '=', '')
        .execute();
  await createRollupTable(db, 'trace_rollup', false);
  await createRollupTable(db, 'call_rollup', false);
  await db.schema
    .createIndex('feedback_time_idx')
    .on('feedback')
    .columns(['project_id', 'timestamp_ms'])
    .execute();
  await db.schema
    .createIndex('span_scores_time_idx')
    .on('span_scores')
    .columns(['project_id', 'created_ms'])
    .execute();
  const range = await db
    .selectFrom('spans')
    .select([(eb) => eb.fn.min('start_ms').as('lo'), (eb) => eb.fn.max('start_ms').as('hi')])
    .executeTakeFirst();
  if (range?.lo === null || range?.lo === undefined) return;
  // Traces start at their earliest span, so the spans' hours cover the traces' too.
  await rebuildRollups(
    db,
    dialect,
    Math.floor(Number(range.lo) / HOUR),
    Math.floor(Number(range.hi) / HOUR) + 1,
  );
}

/** A rollup table; `clustered` (SQLite): `WITHOUT ROWID`, its rows stored in key order. */
async function createRollupTable(db: AnyDb, name: 'trace_rollup' | 'call_rollup', clustered: boolean) {
  let t = db.schema
    .createTable(name)
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('hour', 'bigint', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('segment', 'text', (c) => c.notNull())
    .addColumn('prompt_version', 'text', (c) => c.notNull())
    .addColumn('bin', 'integer', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addColumn('errors', 'bigint', (c) => c.notNull())
    .addColumn('cost_usd', 'double precision', (c) => c.notNull())
    .addColumn('costed', 'bigint', (c) => c.notNull());
  const sums =
    name === 'trace_rollup'
      ? ['input_tokens', 'output_tokens']
      : ['ok_output_tokens', 'ok_counted', 'tokens'];
  for (const c of sums) t = t.addColumn(c, 'bigint', (col) => col.notNull());
  t = t
    .addColumn('latency_ms', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint(`${name}_pk`, [
      'project_id',
      'hour',
      'model',
      'segment',
      'prompt_version',
      'bin',
    ] as never);
  await (clustered ? t.modifyEnd(sql`without rowid`) : t).execute();
}

/**
 * SQLite: the rollup tables rebuilt `WITHOUT ROWID`, so a window's rows are one ordered range of the
 * table instead of a range of the key index and a lookup of each row (docs/benchmarks.md).
 */
export async function clusterRollupTables(db: AnyDb, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  for (const name of ['trace_rollup', 'call_rollup'] as const) {
    await sql.raw(`ALTER TABLE ${name} RENAME TO ${name}_rowid`).execute(db);
    await createRollupTable(db, name, true);
    await sql.raw(`INSERT INTO ${name} SELECT * FROM ${name}_rowid`).execute(db);
    await sql.raw(`DROP TABLE ${name}_rowid`).execute(db);
  }
}
