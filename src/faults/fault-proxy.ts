import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { AssayError } from '../core/errors.js';
import { type Fault, type FaultKind, pickFault } from './fault-spec.js';

export interface FaultProxyOptions {
  /** Where requests go when no fault is picked: an origin (`https://api.openai.com`); paths are kept. */
  upstream: string;
  faults: readonly Fault[];
  /** Uniform numbers in [0, 1): seeded, so a run injects the same faults in the same order. */
  random: () => number;
}

export type FaultCounts = Record<FaultKind | 'passed', number>;

export interface FaultProxy {
  /** `http://127.0.0.1:PORT`: send here what would have gone to the upstream origin. */
  url: string;
  upstream: string;
  /** Requests seen so far, by what was done to them. */
  counts: FaultCounts;
  close(): Promise<void>;
}

// Hop-by-hop headers belong to one connection and are not forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of one origin, injecting faults at the given rates. Bodies
 * stream through in both directions (server-sent events included) and both sides keep their
 * connections alive, so the proxy adds well under a millisecond to a request it leaves alone.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') {
    throw new AssayError(
      'input.invalid',
      `cannot inject faults in front of ${options.upstream}: not http(s)`,
    );
  }
  const lib = upstream.protocol === 'https:' ? https : http;
  const agent = new lib.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 256 });
  const counts: FaultCounts = { passed: 0, latency: 0, error: 0, timeout: 0, reset: 0 };
  const held = new Set<Socket>();

  const forward = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const up = lib.request(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port || undefined,
        method: req.method,
        path: req.url,
        headers: { ...endToEnd(req.headers), host: upstream.host },
        agent,
      },
      (ures) => {
        res.writeHead(ures.statusCode ?? 502, ures.statusMessage, endToEnd(ures.headers));
        ures.pipe(res);
        ures.on('error', () => res.destroy());
      },
    );
    up.on('error', (error) => {
      if (res.headersSent) return void res.destroy();
      const code = (error as NodeJS.ErrnoException).code ?? error.message;
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `assay fault proxy: upstream unreachable: ${code}` } }));
    });
    // The client gave up (its own timeout): stop waiting on the upstream too.
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    req.pipe(up);
  };

  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const fault = pickFault(options.faults, options.random());
    counts[fault?.kind ?? 'passed']++;
    if (!fault) return forward(req, res);
    switch (fault.kind) {
      case 'latency': {
        const ms =
          fault.maxMs === undefined ? fault.ms : fault.ms + options.random() * (fault.maxMs - fault.ms);
        const timer = setTimeout(() => forward(req, res), ms);
        res.on('close', () => clearTimeout(timer));
        // The body stays paused until it is forwarded, so none of it is lost meanwhile.
        return;
      }
      case 'error': {
        req.resume();
        const body = JSON.stringify({
          error: { message: `fault injected by assay: HTTP ${fault.status}`, type: 'assay_fault' },
        });
        res.writeHead(fault.status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(fault.status === 429 || fault.status === 503 ? { 'retry-after': '1' } : {}),
        });
        res.end(body);
        return;
      }
      case 'timeout': {
        req.resume();
        const socket = req.socket;
        held.add(socket);
        socket.once('close', () => held.delete(socket));
        return;
      }
      case 'reset':
        req.socket.resetAndDestroy();
        return;
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // A proxy must never be what keeps the process alive: calls in flight hold their own sockets.
  server.unref();
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    upstream: upstream.origin,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of held) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

/** `200 requests: 160 passed through, 40 error` — what the proxies did, for the report. */
export function describeFaultCounts(counts: FaultCounts): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const injected = (['latency', 'error', 'timeout', 'reset'] as const)
    .filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} ${k}`);
  return `${total} requests through the fault proxy: ${counts.passed} left alone${injected.length ? `, ${injected.join(', ')}` : ', no fault injected'}`;
}
