import type { Kysely } from 'kysely';
import type { WindowReport } from '../monitor/detect.js';
import type { DriftWindowStore } from '../monitor/drift-store.js';
import type { Database } from './schema.js';

/** The drift of closed windows in the store's `drift_windows` table, on SQLite or PostgreSQL alike. */
export function kyselyDriftWindowStore(db: Kysely<Database>): DriftWindowStore {
  return {
    async driftWindows(projectId, settingsKey, windowMs, fromMs, toMs) {
      const rows = await db
        .selectFrom('drift_windows')
        .select(['window_start', 'report'])
        .where('project_id', '=', projectId)
        .where('settings_key', '=', settingsKey)
        .where('window_ms', '=', windowMs)
        .where('window_start', '>=', fromMs)
        .where('window_start', '<', toMs)
        .execute();
      return new Map(rows.map((r) => [Number(r.window_start), JSON.parse(r.report) as WindowReport]));
    },
    async saveDriftWindows(projectId, settings, windowMs, windows, { computedMs, replace }) {
      if (windows.length === 0) return;
      const json = JSON.stringify(settings.value);
      const values = windows.map((w) => ({
        project_id: projectId,
        settings_key: settings.key,
        window_ms: windowMs,
        window_start: Date.parse(w.from),
        settings: json,
        report: JSON.stringify(w),
        computed_ms: computedMs,
      }));
      await db
        .insertInto('drift_windows')
        .values(values)
        .onConflict((oc) => {
          const key = oc.columns(['project_id', 'settings_key', 'window_ms', 'window_start']);
          return replace
            ? key.doUpdateSet((eb) => ({
                report: eb.ref('excluded.report'),
                settings: eb.ref('excluded.settings'),
                computed_ms: eb.ref('excluded.computed_ms'),
              }))
            : key.doNothing();
        })
        .execute();
    },
  };
}
