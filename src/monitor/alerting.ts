import { randomUUID } from 'node:crypto';
import type { MonitorAlert } from './alert.js';
import type { AlertStore, StoredAlert } from './alert-store.js';
import { postWebhook, type WebhookOptions } from './notify.js';

export interface RecordOptions {
  projectId: string;
  /** A second alert of the same kind and segment within this much window time of one recorded is held back. */
  cooldownMs: number;
  /** Where to POST new alerts; none: only stored. */
  webhook?: string;
  webhookOptions?: WebhookOptions;
  now?: () => number;
}

export interface RecordResult {
  /** Alerts stored (and sent) now. */
  recorded: StoredAlert[];
  /** Alerts held back: the same alert again, or within the cooldown of one of its kind. */
  suppressed: MonitorAlert[];
}

/**
 * Stores alerts, deduplicated, and sends each new one to the webhook. An alert is held back when
 * one of the same kind and segment was recorded for the same window (a rerun over the same traffic)
 * or for a window starting less than `cooldownMs` before it. The cooldown counts in window time, so
 * a backfill over past days behaves as the live worker would have.
 */
export async function recordAlerts(
  alerts: readonly MonitorAlert[],
  store: AlertStore,
  opts: RecordOptions,
): Promise<RecordResult> {
  const now = opts.now ?? Date.now;
  const recorded: StoredAlert[] = [];
  const suppressed: MonitorAlert[] = [];
  const ordered = [...alerts].sort((a, b) =>
    a.window.from < b.window.from ? -1 : a.window.from > b.window.from ? 1 : 0,
  );
  for (const alert of ordered) {
    const start = Date.parse(alert.window.from);
    const earlier = await store.alertsOfKind(
      opts.projectId,
      alert.kind,
      alert.segment,
      new Date(start - Math.max(0, opts.cooldownMs - 1)).toISOString(),
      alert.window.from,
    );
    if (earlier.length > 0) {
      suppressed.push(alert);
      continue;
    }
    const stored: StoredAlert = {
      ...alert,
      id: randomUUID(),
      projectId: opts.projectId,
      createdMs: now(),
      notified: false,
    };
    await store.saveAlert(stored);
    if (opts.webhook) {
      const sent = await postWebhook(opts.webhook, alert, opts.webhookOptions);
      await store.markNotified(stored.id, sent.ok ? undefined : sent.error);
      stored.notified = sent.ok;
      if (!sent.ok && sent.error) stored.notifyError = sent.error;
    }
    recorded.push(stored);
  }
  return { recorded, suppressed };
}
