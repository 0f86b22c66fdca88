import type BetterSqlite3 from 'better-sqlite3';
import type { IngestBatch, SpanRecord } from '../core/trace.js';
import type { IngestWriteResult } from '../core/trace-store.js';
import {
  KEY_COLUMNS,
  modelsBefore,
  RollupDeltas,
  type RollupTable,
  rollupMerge,
  SUM_COLUMNS,
  type TraceState,
} from './rollup-cells.js';
import { TRACE_STATE } from './rollup-write.js';
import { SPAN_COLUMNS, spanValues } from './span-values.js';
import { eventRow, feedbackRow, scoreRow, spanKey, traceDeltas, traceMerge } from './trace-rows.js';

const TRACE_COLUMNS = [
  'project_id',
  'trace_id',
  'name',
  'has_root',
  'start_ms',
  'end_ms',
  'span_count',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'error_count',
  'session_id',
  'user_id',
  'segment',
  'prompt_version',
  'seq',
] as const;

const insertSql = (table: string, columns: readonly string[]) =>
  `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`;

const TRACE_STATE_SQL = TRACE_STATE.join(', ');

/** A stored trace's state, as the rollups read it, and its number. */
type StoredTrace = TraceState['row'] & { seq: number };

/**
 * The ingest write path on SQLite: statements prepared once, one transaction per batch (the
 * committer's group commit), as the run write path does (docs/design/store-write-path.md). The
 * hourly rollups are kept in the same transaction (`rollup-cells.ts`).
 */
export class SqliteTraceWriter {
  private readonly writeBatch: (batch: IngestBatch) => IngestWriteResult;

  constructor(db: BetterSqlite3.Database) {
    // Bound by position: ~20% less than by name for a row of 27 columns (docs/benchmarks.md).
    // The span's values, then its trace's number (`trace_seq`): a duplicate (a retried export) is skipped.
    const insertSpan = db.prepare(
      `INSERT INTO spans (${SPAN_COLUMNS.join(', ')}, trace_seq) VALUES (${SPAN_COLUMNS.map(() => '?').join(', ')}, ?) ON CONFLICT DO NOTHING`,
    );
    const merge = Object.entries(traceMerge('sqlite')).map(([column, value]) => `${column} = ${value}`);
    const upsertTrace = db.prepare(
      `${insertSql('traces', TRACE_COLUMNS)} ON CONFLICT (project_id, trace_id) DO UPDATE SET ${merge.join(', ')}`,
    );
    const selectTrace = db.prepare(
      `SELECT ${TRACE_STATE_SQL}, seq FROM traces WHERE project_id = ? AND trace_id = ?`,
    );
    const lastSeq = db.prepare('SELECT coalesce(max(seq), 0) FROM traces').pluck();
    const selectModels = db.prepare(
      'SELECT model, count(*) AS n FROM spans WHERE trace_seq = ? AND model IS NOT NULL GROUP BY model',
    );
    const rollup = (table: RollupTable) => ({
      upsert: db.prepare(
        `${insertSql(table, [...KEY_COLUMNS, ...SUM_COLUMNS[table]])} ON CONFLICT (${KEY_COLUMNS.join(', ')}) DO UPDATE SET ${Object.entries(
          rollupMerge(table),
        )
          .map(([c, v]) => `${c} = ${v}`)
          .join(', ')}`,
      ),
      dropEmpty: db.prepare(
        `DELETE FROM ${table} WHERE n = 0 AND ${KEY_COLUMNS.map((c) => `${c} = @${c}`).join(' AND ')}`,
      ),
    });
    const rollups = { trace_rollup: rollup('trace_rollup'), call_rollup: rollup('call_rollup') };
    const insertScore = db.prepare(
      insertSql('span_scores', [
        'project_id',
        'trace_id',
        'span_id',
        'name',
        'value',
        'label',
        'explanation',
        'source',
        'created_ms',
      ]),
    );
    const insertFeedback = db.prepare(
      `${insertSql('feedback', [
        'project_id',
        'id',
        'trace_id',
        'name',
        'value',
        'comment',
        'correction',
        'escalated',
        'user_id',
        'timestamp_ms',
      ])} ON CONFLICT DO NOTHING`,
    );
    const insertEvent = db.prepare(
      `${insertSql('events', ['project_id', 'id', 'type', 'trace_id', 'timestamp_ms', 'data'])} ON CONFLICT DO NOTHING`,
    );
    this.writeBatch = db.transaction((batch: IngestBatch) => {
      const result: IngestWriteResult = { spans: 0, scores: 0, feedback: 0, events: 0 };
      for (const e of batch.events) result.events += insertEvent.run(eventRow(e)).changes;
      // Each trace's stored state and number, or a new number (the highest yet: read in this
      // transaction, so another writer of the file cannot have given it).
      const traces = new Map<string, { old: StoredTrace | undefined; seq: number }>();
      let next = 0;
      const traceOf = (s: SpanRecord) => {
        const key = spanKey(s.projectId, s.traceId, '');
        let t = traces.get(key);
        if (!t) {
          const old = selectTrace.get(s.projectId, s.traceId) as StoredTrace | undefined;
          if (!old && next === 0) next = (lastSeq.get() as number) + 1;
          t = { old, seq: old ? old.seq : next++ };
          traces.set(key, t);
        }
        return t;
      };
      const inserted: SpanRecord[] = [];
      const skipped = new Set<string>();
      for (const s of batch.spans) {
        if (insertSpan.run(spanValues(s), traceOf(s).seq).changes > 0) inserted.push(s);
        else skipped.add(spanKey(s.projectId, s.traceId, s.spanId));
      }
      result.spans = inserted.length;
      // Each trace's rollup rows: its old state out (when it existed), its merged state in.
      const rolled = new RollupDeltas();
      const byTrace = new Map<string, SpanRecord[]>();
      for (const s of inserted) {
        const key = spanKey(s.projectId, s.traceId, '');
        const mine = byTrace.get(key);
        if (mine) mine.push(s);
        else byTrace.set(key, [s]);
        rolled.call(s);
      }
      for (const t of traceDeltas(inserted)) {
        const key = spanKey(t.project_id, t.trace_id, '');
        const mine = byTrace.get(key)!;
        const { old, seq } = traces.get(key)!;
        let models = mine.flatMap((s) => (s.model ? [s.model] : []));
        if (old) {
          const before = modelsBefore(selectModels.all(seq) as never[], mine);
          rolled.trace({ row: old, models: before }, -1);
          models = [...before, ...models];
        }
        upsertTrace.run({ ...t, seq });
        // A new trace's row is its delta; a merged one is read back (RETURNING costs more on SQLite).
        const row = old ? (selectTrace.get(t.project_id, t.trace_id) as TraceState['row']) : t;
        rolled.trace({ row, models }, 1);
      }
      for (const { table, values } of rolled.rows()) {
        rollups[table].upsert.run(values);
        if (rolled.retracted && (values.n as number) < 0)
          rollups[table].dropEmpty.run(Object.fromEntries(KEY_COLUMNS.map((c) => [c, values[c]])));
      }
      for (const s of batch.scores) {
        // A score that came with a span resent by a retrying exporter was stored with it the first time.
        if (skipped.has(spanKey(s.projectId, s.traceId, s.spanId))) continue;
        insertScore.run(scoreRow(s));
        result.scores += 1;
      }
      for (const f of batch.feedback) result.feedback += insertFeedback.run(feedbackRow(f)).changes;
      return result;
    });
  }

  write(batch: IngestBatch): IngestWriteResult {
    return this.writeBatch(batch);
  }
}
