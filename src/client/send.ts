import { parseRetryAfter } from './backoff.js';

/** How one request ended: acknowledged, to be retried, or refused for good. */
export type SendResult =
  | { kind: 'ok' }
  | { kind: 'retry'; retryAfterMs?: number; message: string; status?: number }
  | { kind: 'reject'; message: string; status: number; field?: string };

/** Statuses worth another try: timeouts, rate limits and server-side failures. */
function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

async function reason(res: Response): Promise<{ message: string; field?: string }> {
  try {
    const body = (await res.json()) as { error?: { message?: unknown; field?: unknown } };
    const message = typeof body?.error?.message === 'string' ? body.error.message : `HTTP ${res.status}`;
    return typeof body?.error?.field === 'string' ? { message, field: body.error.field } : { message };
  } catch {
    return { message: `HTTP ${res.status}` };
  }
}

/** POSTs a JSON body; never throws (a network error or timeout is a `retry`). */
export async function postJson(
  url: string,
  apiKey: string,
  body: string,
  timeoutMs: number,
): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } })?.cause?.code;
    return { kind: 'retry', message: `${url}: ${cause ?? (error as Error)?.message ?? 'request failed'}` };
  }
  if (res.ok) {
    await res.body?.cancel().catch(() => {});
    return { kind: 'ok' };
  }
  const { message, field } = await reason(res);
  if (retryable(res.status)) {
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now());
    return {
      kind: 'retry',
      message: `HTTP ${res.status}: ${message}`,
      status: res.status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  return {
    kind: 'reject',
    message: `HTTP ${res.status}: ${message}`,
    status: res.status,
    ...(field ? { field } : {}),
  };
}
