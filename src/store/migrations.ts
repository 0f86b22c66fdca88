import { type Kysely, sql } from 'kysely';
import { createReviewTables } from './migration-review.js';
import { createSignalTables } from './migration-signals.js';
import { keySpansByTraceSeq } from './migration-span-keys.js';
import {
  addPromptVersion,
  clusterRollupTables,
  createRollupTables,
  createTraceTables,
} from './migration-traces.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/** One migration: a name that sorts in order, and the DDL, written once for both dialects. */
interface Migration {
  name: string;
  up(db: Kysely<Database>, dialect: Dialect): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: DDL runs before the typed tables exist.
type AnyDb = Kysely<any>;

export const MIGRATIONS: Migration[] = [
  {
    name: '001_init',
    async up(typed, dialect) {
      const db = typed as AnyDb;
      const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
      const idColumn = (name: string) => (t: ReturnType<AnyDb['schema']['createTable']>) =>
        dialect === 'postgres'
          ? t.addColumn(name, serial, (c) => c.primaryKey())
          : t.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement());
      await db.schema
        .createTable('datasets')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('path', 'text')
        .addColumn('case_count', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('datasets_pk', ['name', 'version'])
        .execute();
      await db.schema
        .createTable('dataset_cases')
        .addColumn('dataset_version', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('dataset_cases_pk', ['dataset_version', 'position'])
        .execute();
      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('config_hash', 'text', (c) => c.notNull())
        .addColumn('provenance', 'text', (c) => c.notNull())
        .addColumn('summary', 'text')
        .addColumn('error', 'text')
        .execute();
      await db.schema
        .createIndex('runs_config_idx')
        .on('runs')
        .columns(['config_hash', 'created_at'])
        .execute();
      await idColumn('id')(db.schema.createTable('results'))
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('repeat', 'integer', (c) => c.notNull())
        .addColumn('pass', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('latency_ms', 'double precision', (c) => c.notNull())
        .addColumn('cost_usd', 'double precision')
        .addColumn('tokens_in', 'integer')
        .addColumn('tokens_out', 'integer')
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('output', 'text')
        .execute();
      await db.schema
        .createIndex('results_key_idx')
        .unique()
        .on('results')
        .columns(['run_id', 'target', 'case_id', 'repeat'])
        .execute();
      await db.schema
        .createTable('scores')
        .addColumn('result_id', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('evaluator', 'text', (c) => c.notNull())
        .addColumn('value', 'double precision')
        .addColumn('pass', 'integer')
        .addColumn('reason', 'text')
        .addColumn('error', 'text')
        .addColumn('details', 'text')
        .execute();
      await db.schema.createIndex('scores_result_idx').on('scores').column('result_id').execute();
      await db.schema.createIndex('scores_run_idx').on('scores').columns(['run_id', 'evaluator']).execute();
      await db.schema
        .createTable('cache')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await idColumn('id')(db.schema.createTable('artifacts'))
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('artifacts_run_idx').on('artifacts').columns(['run_id', 'kind']).execute();
    },
  },
  {
    name: '002_traces',
    up: (db, dialect) => createTraceTables(db as AnyDb, dialect),
  },
  {
    // The web app's case view looks a result's case up by id; its case table sorts a run by latency.
    name: '003_results_browse',
    async up(typed) {
      const db = typed as AnyDb;
      await db.schema
        .createIndex('dataset_cases_case_idx')
        .on('dataset_cases')
        .columns(['dataset_version', 'case_id'])
        .execute();
      await db.schema
        .createIndex('results_latency_idx')
        .on('results')
        .columns(['run_id', 'latency_ms'])
        .execute();
    },
  },
  {
    // Alerts of `assay monitor` / the serve worker: kept for `assay alerts`, dedup and cooldown.
    name: '004_monitor_alerts',
    async up(typed) {
      const db = typed as AnyDb;
      await db.schema
        .createTable('monitor_alerts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('project_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('segment', 'text')
        .addColumn('window_from', 'text', (c) => c.notNull())
        .addColumn('window_to', 'text', (c) => c.notNull())
        .addColumn('statistic', 'double precision', (c) => c.notNull())
        .addColumn('p', 'double precision')
        .addColumn('effect', 'double precision')
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('created_ms', 'double precision', (c) => c.notNull())
        .addColumn('notified', 'integer', (c) => c.notNull())
        .addColumn('notify_error', 'text')
        .execute();
      await db.schema
        .createIndex('monitor_alerts_key_idx')
        .on('monitor_alerts')
        .columns(['project_id', 'kind', 'window_from'])
        .execute();
    },
  },
  {
    // The case table's default order (by case id) and its deferred page lookups walk this index.
    name: '005_results_case_order',
    async up(typed) {
      const db = typed as AnyDb;
      await db.schema
        .createIndex('results_case_idx')
        .on('results')
        .columns(['run_id', 'case_id', 'id'])
        .execute();
    },
  },
  {
    // Human review: users, queues, items, labels (src/review/).
    name: '006_review',
    up: (db) => createReviewTables(db as AnyDb),
  },
  {
    // Implicit signals per trace (src/monitor/signals*.ts).
    name: '007_signals',
    up: (db) => createSignalTables(db as AnyDb),
  },
  {
    // The prompt version a call used, to slice traffic by; indexed on traces as the segment is.
    name: '008_prompt_version',
    up: (db) => addPromptVersion(db as AnyDb),
  },
  {
    // Runs belong to a project, as traces do: the runs API shows a key only its project's runs.
    // Runs stored before this belong to `default`.
    name: '009_run_projects',
    async up(typed) {
      const db = typed as AnyDb;
      await db.schema
        .alterTable('runs')
        .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
        .execute();
      await db.schema.createIndex('runs_project_idx').on('runs').columns(['project', 'created_at']).execute();
    },
  },
  {
    // The web app's sign-in sessions, kept server-side (src/server/web/session.ts): only the SHA-256
    // of the cookie's random token, so a session survives a restart and works on every instance.
    name: '010_web_sessions',
    async up(typed) {
      const db = typed as AnyDb;
      await db.schema
        .createTable('web_sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('principal_kind', 'text', (c) => c.notNull())
        .addColumn('principal_id', 'text', (c) => c.notNull())
        .addColumn('project_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_ms', 'double precision', (c) => c.notNull())
        .addColumn('expires_ms', 'double precision', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('web_sessions_expiry_idx')
        .on('web_sessions')
        .column('expires_ms')
        .execute();
      await db.schema
        .createIndex('web_sessions_principal_idx')
        .on('web_sessions')
        .columns(['principal_kind', 'principal_id'])
        .execute();
    },
  },
  {
    // Hourly rollups, so monitoring over a million traces reads thousands of rows (rollup-cells.ts).
    name: '011_traffic_rollups',
    up: (db, dialect) => createRollupTables(db as AnyDb, dialect),
  },
  {
    // SQLite: the rollups clustered by their key (WITHOUT ROWID), a third less to read per window.
    name: '012_rollups_clustered',
    up: (db, dialect) => clusterRollupTables(db as AnyDb, dialect),
  },
  {
    // Which background windows are done, so several `assay serve` instances run each once (window-claims.ts).
    name: '013_monitor_passes',
    async up(db) {
      await (db as AnyDb).schema
        .createTable('monitor_passes')
        .addColumn('project_id', 'text', (c) => c.notNull())
        .addColumn('job', 'text', (c) => c.notNull())
        .addColumn('window_start', 'double precision', (c) => c.notNull())
        .addColumn('done_ms', 'double precision', (c) => c.notNull())
        .addPrimaryKeyConstraint('monitor_passes_pk', ['project_id', 'job', 'window_start'])
        .execute();
    },
  },
  {
    // `assay users remove`: a removed person keeps their row (their labels keep their name) but no
    // token, password or session of theirs works any more (src/review/users.ts).
    name: '014_review_users_removed',
    async up(db) {
      await (db as AnyDb).schema.alterTable('review_users').addColumn('removed_at', 'text').execute();
    },
  },
  {
    // Each closed window's drift, computed once and read back by the drift route (drift-window-store.ts).
    name: '015_drift_windows',
    async up(db) {
      await (db as AnyDb).schema
        .createTable('drift_windows')
        .addColumn('project_id', 'text', (c) => c.notNull())
        .addColumn('settings_key', 'text', (c) => c.notNull())
        .addColumn('window_ms', 'double precision', (c) => c.notNull())
        .addColumn('window_start', 'double precision', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('report', 'text', (c) => c.notNull())
        .addColumn('computed_ms', 'double precision', (c) => c.notNull())
        .addPrimaryKeyConstraint('drift_windows_pk', [
          'project_id',
          'settings_key',
          'window_ms',
          'window_start',
        ])
        .execute();
    },
  },
  {
    // Spans keyed by their trace's arrival number, not its random id: ingestion appends to the index.
    name: '016_spans_by_trace_seq',
    up: (db, dialect) => keySpansByTraceSeq(db as AnyDb, dialect),
  },
];

/**
 * Applies the migrations not yet applied, in name order. On SQLite each runs in its own
 * transaction. On PostgreSQL, where several instances may start together, all of them (and the
 * schema, when one is named) run in one transaction that first takes an advisory lock keyed on the
 * schema: the first instance migrates, the others wait for it and then find nothing to do.
 */
export async function migrate(db: Kysely<Database>, dialect: Dialect, schema?: string): Promise<string[]> {
  if (dialect === 'sqlite') return applyMigrations(db, dialect, (fn) => db.transaction().execute(fn));
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`assay.migrate:${schema ?? ''}`}))`.execute(trx);
    if (schema) await trx.schema.createSchema(schema).ifNotExists().execute();
    return applyMigrations(trx, dialect, (fn) => fn(trx));
  });
}

async function applyMigrations(
  db: Kysely<Database>,
  dialect: Dialect,
  inTransaction: (fn: (trx: Kysely<Database>) => Promise<void>) => Promise<void>,
): Promise<string[]> {
  await db.schema
    .createTable('assay_migrations')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute();
  const done = new Set((await db.selectFrom('assay_migrations').select('name').execute()).map((r) => r.name));
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.name)) continue;
    await inTransaction(async (trx) => {
      await m.up(trx, dialect);
      await trx
        .insertInto('assay_migrations')
        .values({ name: m.name, applied_at: new Date().toISOString() })
        .execute();
    });
    applied.push(m.name);
  }
  return applied;
}

export { sql };
