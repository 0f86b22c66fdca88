import { type Kysely, sql } from 'kysely';
import type { Dialect } from './migrations.js';

// biome-ignore lint/suspicious/noExplicitAny: DDL runs before the typed tables exist.
type AnyDb = Kysely<any>;

/**
 * 016: spans keyed by their trace's number instead of its id. Each trace gets `seq`, a number given
 * in the order traces first arrive (unique, never reused), and each span `trace_seq`, its trace's;
 * `(trace_seq, span_id)` replaces `(project_id, trace_id, span_id)` as the spans' unique key.
 *
 * Why: trace ids are random, so the old key put each new trace's spans on a random page of an index
 * that holds every span. Under sustained load that index outgrew the cache and each commit rewrote a
 * page of it per trace: at 20,000 spans/s with random ids the p99 acknowledgement rose past 600 ms
 * within a minute. A new trace's number is the highest yet, so its spans' entries now go at the end
 * of the index (docs/benchmarks.md). Trace ids are still looked up in `traces`, whose key holds one
 * entry a trace; a trace's spans are read by its number.
 *
 * SQLite cannot drop a primary key, so its `spans` is rebuilt; PostgreSQL alters it in place, and its
 * `seq` takes its values from a sequence, since several servers may write one database.
 */
export async function keySpansByTraceSeq(db: AnyDb, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    // A serial column added to a table numbers its existing rows.
    await sql`alter table traces add column seq bigserial`.execute(db);
    await sql`alter table spans add column trace_seq bigint`.execute(db);
    await sql`update spans s set trace_seq = t.seq from traces t
      where t.project_id = s.project_id and t.trace_id = s.trace_id`.execute(db);
    // Spans whose trace row is gone could never be read (every read starts from `traces`).
    await sql`delete from spans where trace_seq is null`.execute(db);
    await sql`alter table spans alter column trace_seq set not null`.execute(db);
    await sql`alter table spans drop constraint spans_pk`.execute(db);
  } else {
    await sql`alter table traces add column seq integer`.execute(db);
    await sql`update traces set seq = rowid`.execute(db);
    await rebuildSqliteSpans(db);
  }
  await db.schema.createIndex('traces_seq_idx').on('traces').column('seq').unique().execute();
  await db.schema
    .createIndex('spans_trace_idx')
    .on('spans')
    .columns(['trace_seq', 'span_id'])
    .unique()
    .execute();
}

/**
 * SQLite: `spans` copied into a table without the old key, with each row's trace number. The
 * columns are those of 002 and 008 written out again: a migration's DDL is a record of that step,
 * not shared with the next one.
 */
async function rebuildSqliteSpans(db: AnyDb): Promise<void> {
  const ms = 'double precision';
  await db.schema
    .createTable('spans_keyed')
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
    .addColumn('prompt_version', 'text')
    .addColumn('trace_seq', 'integer', (c) => c.notNull())
    .execute();
  const columns = sql.raw(
    'project_id, trace_id, span_id, parent_span_id, name, kind, start_ms, end_ms, model, provider, operation, ' +
      'input_tokens, output_tokens, total_tokens, cost_usd, input, output, contexts, attributes, status, error, ' +
      'session_id, user_id, tags, segment, source, prompt_version',
  );
  const from = sql.raw(
    's.project_id, s.trace_id, s.span_id, s.parent_span_id, s.name, s.kind, s.start_ms, s.end_ms, s.model, ' +
      's.provider, s.operation, s.input_tokens, s.output_tokens, s.total_tokens, s.cost_usd, s.input, s.output, ' +
      's.contexts, s.attributes, s.status, s.error, s.session_id, s.user_id, s.tags, s.segment, s.source, ' +
      's.prompt_version',
  );
  // In arrival order (rowid), so the copy keeps the old table's order on disk.
  await sql`insert into spans_keyed (${columns}, trace_seq)
    select ${from}, t.seq from spans s
    join traces t on t.project_id = s.project_id and t.trace_id = s.trace_id
    order by s.rowid`.execute(db);
  await sql`drop table spans`.execute(db);
  await sql`alter table spans_keyed rename to spans`.execute(db);
  await db.schema.createIndex('spans_time_idx').on('spans').columns(['project_id', 'start_ms']).execute();
  await db.schema
    .createIndex('spans_model_idx')
    .on('spans')
    .columns(['project_id', 'model', 'start_ms'])
    .execute();
}
