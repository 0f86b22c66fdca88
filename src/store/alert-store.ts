import type { Kysely, Selectable } from 'kysely';
import type { AlertStore, StoredAlert } from '../monitor/alert-store.js';
import type { Database } from './schema.js';

type Row = Selectable<Database['monitor_alerts']>;

function fromRow(r: Row): StoredAlert {
  return {
    id: r.id,
    projectId: r.project_id,
    kind: r.kind,
    ...(r.segment === null ? {} : { segment: r.segment }),
    window: { from: r.window_from, to: r.window_to },
    statistic: Number(r.statistic),
    ...(r.p === null ? {} : { p: Number(r.p) }),
    ...(r.effect === null ? {} : { effect: Number(r.effect) }),
    message: r.message,
    createdMs: Number(r.created_ms),
    notified: Number(r.notified) === 1,
    ...(r.notify_error === null ? {} : { notifyError: r.notify_error }),
  };
}

/** Alerts in the store's `monitor_alerts` table, on SQLite or PostgreSQL alike. */
export function kyselyAlertStore(db: Kysely<Database>): AlertStore {
  return {
    async saveAlert(a) {
      await db
        .insertInto('monitor_alerts')
        .values({
          id: a.id,
          project_id: a.projectId,
          kind: a.kind,
          segment: a.segment ?? null,
          window_from: a.window.from,
          window_to: a.window.to,
          statistic: a.statistic,
          p: a.p ?? null,
          effect: a.effect ?? null,
          message: a.message,
          created_ms: a.createdMs,
          notified: a.notified ? 1 : 0,
          notify_error: a.notifyError ?? null,
        })
        .execute();
    },
    async markNotified(id, error) {
      await db
        .updateTable('monitor_alerts')
        .set(error ? { notify_error: error } : { notified: 1, notify_error: null })
        .where('id', '=', id)
        .execute();
    },
    async alertsOfKind(projectId, kind, segment, fromIso, toIso) {
      let q = db
        .selectFrom('monitor_alerts')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('kind', '=', kind)
        .where('window_from', '>=', fromIso)
        .where('window_from', '<=', toIso);
      q = segment === undefined ? q.where('segment', 'is', null) : q.where('segment', '=', segment);
      return (await q.orderBy('window_from').execute()).map(fromRow);
    },
    async listAlerts(projectId, sinceMs) {
      const rows = await db
        .selectFrom('monitor_alerts')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('created_ms', '>=', sinceMs)
        .orderBy('created_ms', 'desc')
        .orderBy('window_from', 'desc')
        .execute();
      return rows.map(fromRow);
    },
  };
}
