import { type Kysely, sql } from 'kysely';
import { chunks } from './chunks.js';
import { KEY_COLUMNS, type RollupDeltas, type RollupTable, rollupMerge } from './rollup-cells.js';
import type { Database } from './schema.js';

/** The `traces` columns a trace's rollup rows are computed from (`TraceState.row`). */
export const TRACE_STATE = [
  'project_id',
  'start_ms',
  'end_ms',
  'cost_usd',
  'error_count',
  'input_tokens',
  'output_tokens',
  'segment',
  'prompt_version',
] as const;

/**
 * Adds a batch's rollup deltas on any Kysely database (the PostgreSQL write path; SQLite's writer
 * runs the same upserts as prepared statements): multi-row upserts, then the rows a trace moved out
 * of are deleted once they count nothing.
 */
export async function writeRollups(trx: Kysely<Database>, rolled: RollupDeltas): Promise<void> {
  const rows = rolled.rows();
  for (const table of ['trace_rollup', 'call_rollup'] as RollupTable[]) {
    const mine = rows.filter((r) => r.table === table).map((r) => r.values);
    for (const part of chunks(mine, 500)) {
      await trx
        .insertInto(table)
        .values(part as never)
        .onConflict((oc) =>
          oc
            .columns([...KEY_COLUMNS])
            .doUpdateSet(
              Object.fromEntries(
                Object.entries(rollupMerge(table)).map(([c, v]) => [c, sql.raw(v)]),
              ) as never,
            ),
        )
        .execute();
    }
    if (!rolled.retracted) continue;
    for (const v of mine) {
      if ((v.n as number) >= 0) continue;
      let q = trx.deleteFrom(table).where('n', '=', 0);
      for (const c of KEY_COLUMNS) q = q.where(c, '=', v[c] as never);
      await q.execute();
    }
  }
}
