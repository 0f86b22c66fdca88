import type { MonitorAlert } from './alert.js';

/** An alert as stored: what fired, when it was recorded, whether the webhook took it. */
export interface StoredAlert extends MonitorAlert {
  id: string;
  projectId: string;
  /** Epoch ms when it was recorded. */
  createdMs: number;
  notified: boolean;
  notifyError?: string;
}

/** Where alerts are kept: the store's `monitor_alerts` table (`src/store/alert-store.ts`). */
export interface AlertStore {
  saveAlert(alert: StoredAlert): Promise<void>;
  /** Marks an alert notified (or records why the webhook failed). */
  markNotified(id: string, error?: string): Promise<void>;
  /** A project's alerts of one kind (and segment), their windows starting in [fromIso, toIso]. */
  alertsOfKind(
    projectId: string,
    kind: string,
    segment: string | undefined,
    fromIso: string,
    toIso: string,
  ): Promise<StoredAlert[]>;
  /** A project's alerts recorded since `sinceMs`, newest first. */
  listAlerts(projectId: string, sinceMs: number): Promise<StoredAlert[]>;
}
