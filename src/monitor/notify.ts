import { retryAfterMs as retryAfter } from '../providers/http-client.js';
import type { MonitorAlert } from './alert.js';

export interface WebhookOptions {
  /** Attempts in all (default 4: the first and three retries). */
  attempts?: number;
  /** First wait between attempts, doubled each time (default 1000 ms); a Retry-After header wins, up to 60 s. */
  backoffMs?: number;
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
  /** Where to wait (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
}

export interface WebhookResult {
  ok: boolean;
  attempts: number;
  status?: number;
  /** Why it failed, without the URL (a webhook URL is a secret). */
  error?: string;
}

/** The line a chat channel shows. */
export function alertText(alert: MonitorAlert): string {
  const where = alert.segment ? ` [${alert.segment}]` : '';
  return `Assay alert ${alert.kind}${where} for ${alert.window.from} – ${alert.window.to}: ${alert.message}`;
}

const sleepFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * POSTs an alert as JSON to a webhook: `{ text, alert }`, where `text` is what Slack (and Mattermost,
 * Discord's Slack-compatible endpoint, Teams workflows) show. Retries on network errors, 408, 429
 * and 5xx with exponential backoff, honouring Retry-After (seconds or an HTTP date); any other status is final. Never throws.
 *
 * @example await postWebhook(process.env.SLACK_WEBHOOK_URL!, alert)
 */
export async function postWebhook(
  url: string,
  alert: MonitorAlert,
  opts: WebhookOptions = {},
): Promise<WebhookResult> {
  const attempts = opts.attempts ?? 4;
  const sleep = opts.sleep ?? sleepFor;
  const body = JSON.stringify({ text: alertText(alert), alert });
  let wait = opts.backoffMs ?? 1000;
  let last: WebhookResult = { ok: false, attempts: 0 };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let retryAfterMs: number | undefined;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true, attempts: attempt, status: res.status };
      last = {
        ok: false,
        attempts: attempt,
        status: res.status,
        error: `webhook answered HTTP ${res.status}`,
      };
      if (!(res.status === 408 || res.status === 429 || res.status >= 500)) return last;
      const after = retryAfter(Object.fromEntries(res.headers));
      if (after !== undefined) retryAfterMs = Math.min(60_000, after);
    } catch (error) {
      const why =
        error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'could not be reached';
      last = { ok: false, attempts: attempt, error: `webhook ${why}` };
    }
    if (attempt < attempts) {
      await sleep(retryAfterMs ?? wait);
      wait *= 2;
    }
  }
  return last;
}
