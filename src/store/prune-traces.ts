import type { Kysely } from 'kysely';
import type { PruneResult } from '../core/trace-store.js';
import type { Database } from './schema.js';

const n = (r: { numDeletedRows: bigint }[]) => r.reduce((sum, x) => sum + Number(x.numDeletedRows), 0);

/**
 * Deletes production data older than `beforeMs`, every project, in one transaction: traces that
 * started before it with all their spans, span scores, feedback, events and signals, and any feedback or
 * event older than it whose trace is gone. A trace that started after the horizon is kept whole.
 */
export async function pruneTraces(db: Kysely<Database>, beforeMs: number): Promise<PruneResult> {
  return db.transaction().execute(async (trx) => {
    const old = (table: 'spans' | 'span_scores' | 'feedback' | 'events' | 'signals') =>
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
    const spans = n(await old('spans'));
    let feedback = n(await old('feedback'));
    let events = n(await old('events'));
    const traces = n(await trx.deleteFrom('traces').where('start_ms', '<', beforeMs).execute());
    // Feedback and events of traces never stored (or stored elsewhere), by their own time.
    feedback += n(await trx.deleteFrom('feedback').where('timestamp_ms', '<', beforeMs).execute());
    events += n(await trx.deleteFrom('events').where('timestamp_ms', '<', beforeMs).execute());
    return { traces, spans, scores, feedback, events };
  });
}
