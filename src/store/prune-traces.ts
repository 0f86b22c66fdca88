import { type Kysely, sql } from 'kysely';
import type { PruneResult } from '../core/trace-store.js';
import type { Dialect } from './migrations.js';
import { HOUR } from './rollup-cells.js';
import { rebuildRollups } from './rollup-rebuild.js';
import type { Database } from './schema.js';

const n = (r: { numDeletedRows: bigint }[]) => r.reduce((sum, x) => sum + Number(x.numDeletedRows), 0);

/**
 * Deletes production data older than `beforeMs`, every project, in one transaction: traces that
 * started before it with all their spans, span scores, feedback, events and signals, and any feedback or
 * event older than it whose trace is gone. A trace that started after the horizon is kept whole.
 * The rollups follow: hours wholly before the horizon are dropped, and the hours it cut into (the
 * horizon's own, and any later hour holding spans of a deleted trace) are recomputed from what is left.
 */
export async function pruneTraces(
  db: Kysely<Database>,
  dialect: Dialect,
  beforeMs: number,
): Promise<PruneResult> {
  const horizonHour = Math.floor(beforeMs / HOUR);
  return db.transaction().execute(async (trx) => {
    const late = await trx
      .selectFrom('spans as s')
      .select(sql<number | null>`max(s.start_ms)`.as('last'))
      .where('s.start_ms', '>=', horizonHour * HOUR)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('traces as t')
            .select('t.trace_id')
            .whereRef('t.project_id', '=', 's.project_id')
            .whereRef('t.trace_id', '=', 's.trace_id')
            .where('t.start_ms', '<', beforeMs),
        ),
      )
      .executeTakeFirst();
    const old = (table: 'span_scores' | 'feedback' | 'events' | 'signals') =>
      trx
        .deleteFrom(table)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('traces as t')
              .select('t.trace_id')
              .whereRef('t.project_id', '=', `${table}.project_id`)
              .whereRef('t.trace_id', '=', `${table}.trace_id`)
              .where('t.start_ms', '<', beforeMs),
          ),
        )
        .execute();
    await old('signals');
    const scores = n(await old('span_scores'));
    const spans = n(
      await trx
        .deleteFrom('spans')
        .where('trace_seq', 'in', (eb) =>
          eb.selectFrom('traces').select('seq').where('start_ms', '<', beforeMs),
        )
        .execute(),
    );
    let feedback = n(await old('feedback'));
    let events = n(await old('events'));
    const traces = n(await trx.deleteFrom('traces').where('start_ms', '<', beforeMs).execute());
    // Feedback and events of traces never stored (or stored elsewhere), by their own time.
    feedback += n(await trx.deleteFrom('feedback').where('timestamp_ms', '<', beforeMs).execute());
    events += n(await trx.deleteFrom('events').where('timestamp_ms', '<', beforeMs).execute());
    await trx.deleteFrom('trace_rollup').where('hour', '<', horizonHour).execute();
    await trx.deleteFrom('call_rollup').where('hour', '<', horizonHour).execute();
    const lastHour = late?.last == null ? horizonHour : Math.floor(Number(late.last) / HOUR);
    await rebuildRollups(trx, dialect, horizonHour, lastHour + 1);
    return { traces, spans, scores, feedback, events };
  });
}
