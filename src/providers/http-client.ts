import http from 'node:http';
import https from 'node:https';
import { AssayError } from '../core/errors.js';

/**
 * A small JSON-over-HTTP client on node:http with keep-alive sockets. The global fetch costs several
 * times more CPU per request (see docs/benchmarks.md), and at thousands of cases that is the budget.
 */
export interface HttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON when the body is JSON, else the text. */
  body: unknown;
  text: string;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 256 }),
};

const RETRYABLE_NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

/** Sends a request and reads the whole response. Network failures and timeouts become AssayErrors. */
export function request(req: HttpRequest): Promise<HttpResponse> {
  const url = new URL(req.url);
  const lib = url.protocol === 'https:' ? https : http;
  const agent = agents[url.protocol as keyof typeof agents];
  if (!agent)
    return Promise.reject(new AssayError('provider.http', `unsupported URL scheme ${url.protocol}`));
  const payload =
    req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  const headers: Record<string, string | number> = { accept: 'application/json', ...req.headers };
  if (payload !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const r = lib.request(url, { method: req.method ?? 'POST', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => finish(() => reject(networkError(e, req.url))));
      res.on('end', () =>
        finish(() => {
          const text =
            chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          if (text && /json/i.test(res.headers['content-type'] ?? '')) {
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        }),
      );
    });
    const onAbort = () => {
      r.destroy();
      finish(() => reject(new AssayError('run.aborted', 'request aborted', { retryable: false })));
    };
    const timer = req.timeoutMs
      ? setTimeout(() => {
          r.destroy();
          finish(() =>
            reject(
              new AssayError(
                'provider.timeout',
                `no answer within ${req.timeoutMs} ms from ${origin(req.url)}`,
                { retryable: true },
              ),
            ),
          );
        }, req.timeoutMs)
      : undefined;
    if (req.signal?.aborted) return onAbort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    r.on('error', (e) => finish(() => reject(networkError(e, req.url))));
    r.end(payload);
  });
}

function origin(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return url;
  }
}

function networkError(error: Error, url: string): AssayError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return new AssayError('provider.network', `cannot reach ${origin(url)}: ${code || error.message}`, {
    cause: error,
    retryable: RETRYABLE_NETWORK.has(code) || code === '',
  });
}

/** Milliseconds to wait from `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: http.IncomingHttpHeaders, now = Date.now()): number | undefined {
  const ms = Number(headers['retry-after-ms']);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers['retry-after'];
  if (typeof value !== 'string' || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Classifies a non-2xx response: 408, 409, 429 and 5xx may be retried; the rest may not. */
export function statusError(res: HttpResponse, what: string): AssayError {
  const detail = errorDetail(res.body) ?? res.text.slice(0, 200);
  const retryable = res.status === 408 || res.status === 409 || res.status === 429 || res.status >= 500;
  const wait = retryAfterMs(res.headers);
  return new AssayError(
    res.status === 429 ? 'provider.rate-limit' : 'provider.http',
    `${what} answered HTTP ${res.status}${detail ? `: ${detail.replace(/\s+/g, ' ').trim()}` : ''}`,
    { retryable, status: res.status, ...(wait === undefined ? {} : { retryAfterMs: wait }) },
  );
}

function errorDetail(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const e = (body as { error?: unknown }).error;
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') {
      return (e as { message: string }).message;
    }
  }
  return undefined;
}

/** Reads a header as a finite number. */
export function headerNumber(headers: http.IncomingHttpHeaders, name: string): number | undefined {
  const v = headers[name];
  const n = typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}
