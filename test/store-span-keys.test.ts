import Sqlite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../src/core/trace.js';
import type { TraceStore } from '../src/core/trace-store.js';
import type { KyselyTraceStore } from '../src/store/kysely-trace-store.js';
import { type Dialect, MIGRATIONS } from '../src/store/migrations.js';
import { openPostgresStore } from '../src/store/postgres.js';
import type { Database } from '../src/store/schema.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { spanRow, traceDeltas } from '../src/store/trace-rows.js';
import { traceStoreOn } from '../src/store/trace-store.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { tempDir } from './helpers/suite.js';
import { batch, span } from './helpers/trace-store-contract.js';

// Migration 016 (spans keyed by their trace's number): a store written before it reads the same
// after it, and takes new spans, resends and prunes on the new key.

const BEFORE = '016_spans_by_trace_seq';

/** Applies the migrations before 016 and records them, as a store last opened before it would be. */
async function migrateBefore(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  await sql`create table assay_migrations (name text primary key, applied_at text not null)`.execute(db);
  for (const m of MIGRATIONS) {
    if (m.name >= BEFORE) break;
    await m.up(db, dialect);
    await db.insertInto('assay_migrations').values({ name: m.name, applied_at: 'before' }).execute();
  }
}

/** Writes spans and their traces in the layout before 016 (no `seq`, spans keyed by trace id). */
async function writeOld(db: Kysely<Database>, spans: SpanRecord[]): Promise<void> {
  // biome-ignore lint/suspicious/noExplicitAny: the tables before 016 have no seq / trace_seq.
  const old = db as Kysely<any>;
  await old.insertInto('spans').values(spans.map(spanRow)).execute();
  await old.insertInto('traces').values(traceDeltas(spans)).execute();
}

const P1 = 'prj_one';
const P2 = 'prj_two';

/** Two projects; one trace id in both (the old key told them apart by project), and a second trace. */
const oldSpans = [
  span(P1, 'tA', 's1', { parentSpanId: null, model: null, kind: 'agent' }),
  span(P1, 'tA', 's2', { parentSpanId: 's1', model: 'gpt-4o-mini', startMs: 1_700_000_000_010 }),
  span(P1, 'tA', 's3', { parentSpanId: 's1', model: 'claude-3-5-haiku', startMs: 1_700_000_000_020 }),
  span(P1, 'tB', 's1', { startMs: 1_700_000_100_000, endMs: 1_700_000_100_400 }),
  span(P2, 'tA', 's1', { name: 'other project' }),
];

function migrationSuite(
  name: string,
  fixture: () => Promise<{
    old: Kysely<Database>;
    dialect: Dialect;
    open(): Promise<TraceStore>;
    cleanup(): Promise<void>;
  }>,
) {
  describe(`migration 016 on ${name}`, () => {
    it('keeps every stored span readable by its trace id, and new spans, resends and prunes use the new key', async () => {
      const f = await fixture();
      let store: TraceStore | undefined;
      try {
        await migrateBefore(f.old, f.dialect);
        await writeOld(f.old, oldSpans);
        await f.old.destroy();
        store = await f.open();
        const { db } = store as KyselyTraceStore;
        const seqs = await db.selectFrom('traces').select(['project_id', 'trace_id', 'seq']).execute();
        expect(new Set(seqs.map((r) => r.seq)).size).toBe(3);

        const a = (await store.getTrace(P1, 'tA'))!;
        expect(a.spans.map((s) => s.spanId)).toEqual(['s1', 's2', 's3']);
        expect(a.spans.map((s) => s.model)).toEqual([null, 'gpt-4o-mini', 'claude-3-5-haiku']);
        expect([...a.models].sort()).toEqual(['claude-3-5-haiku', 'gpt-4o-mini']);
        expect((await store.getTrace(P2, 'tA'))!.spans.map((s) => s.name)).toEqual(['other project']);
        expect(
          (await store.listTraces(P1, { model: 'claude-3-5-haiku' })).traces.map((t) => t.traceId),
        ).toEqual(['tA']);

        // A resent old span is skipped; a new span joins its old trace; a new trace is numbered after all.
        const written = await store.writeIngest(
          batch({
            spans: [
              span(P1, 'tA', 's2', { model: 'gpt-4o-mini', startMs: 1_700_000_000_010 }),
              span(P1, 'tA', 's4', { model: 'gpt-4o', startMs: 1_700_000_000_030 }),
              span(P1, 'tC', 's1', { startMs: 1_700_000_200_000, endMs: 1_700_000_200_100 }),
            ],
          }),
        );
        expect(written.spans).toBe(2);
        const after = (await store.getTrace(P1, 'tA'))!;
        expect(after.spans.map((s) => s.spanId)).toEqual(['s1', 's2', 's3', 's4']);
        expect(after.spanCount).toBe(4);
        expect([...after.models].sort()).toEqual(['claude-3-5-haiku', 'gpt-4o', 'gpt-4o-mini']);
        const numbered = await db
          .selectFrom('traces')
          .select(['trace_id', 'seq'])
          .where('project_id', '=', P1)
          .execute();
        const seqOf = new Map(numbered.map((r) => [r.trace_id, Number(r.seq)]));
        expect(seqOf.get('tC')).toBeGreaterThan(Math.max(...seqs.map((r) => Number(r.seq))));
        const keyed = await db
          .selectFrom('spans')
          .select(['trace_id', 'trace_seq'])
          .where('project_id', '=', P1)
          .execute();
        for (const r of keyed) expect(Number(r.trace_seq)).toBe(seqOf.get(r.trace_id));

        // Prune takes the old traces' spans (found by their numbers) and keeps the newer trace whole.
        const pruned = await store.prune(1_700_000_150_000);
        expect(pruned).toMatchObject({ traces: 3, spans: 6 });
        expect(await store.getTrace(P1, 'tA')).toBeUndefined();
        expect((await store.getTrace(P1, 'tC'))!.spans).toHaveLength(1);
        expect(await db.selectFrom('spans').select('span_id').execute()).toHaveLength(1);
      } finally {
        await store?.close();
        await f.cleanup();
      }
    });
  });
}

migrationSuite('SQLite', async () => {
  const { dir, cleanup } = tempDir('assay-span-keys-');
  const file = `${dir}/assay.db`;
  return {
    old: new Kysely<Database>({ dialect: new SqliteDialect({ database: new Sqlite(file) }) }),
    dialect: 'sqlite',
    open: async () => traceStoreOn(await openSqliteStore(file)),
    cleanup: async () => cleanup(),
  };
});

const probe = await probePostgres();
describe.runIf(probe.ok || process.env.CI)('PostgreSQL', () => {
  migrationSuite('PostgreSQL', async () => {
    const schema = freshSchema();
    await pgExec(`CREATE SCHEMA "${schema}"`);
    const pool = new pg.Pool({ connectionString: PG_URL, max: 1, options: `-c search_path=${schema}` });
    return {
      old: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      dialect: 'postgres',
      open: async () => traceStoreOn(await openPostgresStore(PG_URL, { schema })),
      cleanup: () => pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
    };
  });

  it('two servers writing the same new traces at once number each trace once and keep every span', async () => {
    const schema = freshSchema();
    const stores = [
      traceStoreOn(await openPostgresStore(PG_URL, { schema })),
      traceStoreOn(await openPostgresStore(PG_URL, { schema })),
    ];
    try {
      const p = (await stores[0]!.ensureProject('default')).id;
      // Each server sends 10 batches; every batch has a span of each of the same 20 traces.
      const sends = stores.map(async (store, w) => {
        for (let b = 0; b < 10; b++)
          await store.writeIngest(
            batch({
              spans: Array.from({ length: 20 }, (_, t) =>
                span(p, `t${t}`, `w${w}-b${b}`, { parentSpanId: 'root' }),
              ),
            }),
          );
      });
      await Promise.all(sends);
      const { db } = stores[0] as KyselyTraceStore;
      const traces = await db.selectFrom('traces').select(['trace_id', 'seq', 'span_count']).execute();
      expect(traces).toHaveLength(20);
      expect(new Set(traces.map((t) => t.seq)).size).toBe(20);
      for (const t of traces) expect(Number(t.span_count)).toBe(20);
      for (let t = 0; t < 20; t++) expect((await stores[1]!.getTrace(p, `t${t}`))!.spans).toHaveLength(20);
    } finally {
      for (const s of stores) await s.close();
      await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });
});
