import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ChatBody,
  FakeOpenAI,
  FakeOpenAIOptions,
  FakeReply,
  FakeStats,
  RecordedRequest,
} from './helpers/fake-openai-types.js';

export type {
  ChatBody,
  FakeOpenAI,
  FakeOpenAIOptions,
  FakeReply,
  FakeStats,
  FakeUsage,
  FaultOptions,
  RecordedRequest,
  ScriptedResponse,
} from './helpers/fake-openai-types.js';

/** mulberry32: small, fast, seedable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = (text: string) => (text.match(/\S+/g) ?? []).length;

/** The prompt a request is counted under: its last user message. */
export function promptOf(body: ChatBody): string {
  const messages = body.messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === 'user') return String(messages[i]!.content);
  }
  return JSON.stringify(messages);
}

/** Bag-of-words hashing: equal texts give equal vectors, texts sharing words point the same way. */
export function fakeEmbedding(text: string, dim = 64): number[] {
  const v = new Array<number>(dim).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const h = createHash('md5').update(word).digest();
    v[h.readUInt32LE(0) % dim]! += h[4]! & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

function newStats(): FakeStats {
  return {
    calls: 0,
    chat: 0,
    embeddings: 0,
    ok: 0,
    faults: { 429: 0, 500: 0, timeout: 0, reset: 0 },
    byPrompt: new Map(),
    inFlight: 0,
    maxInFlight: 0,
    chatInFlight: 0,
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString()),
    );
    req.on('error', reject);
  });
}

/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks: chat completions,
 * embeddings and the model list, with latency, seeded fault injection, scripted answers and
 * rate-limit headers. It speaks the wire protocol, so whatever talks to it is tested for real.
 *
 * @example
 * const server = await startFakeOpenAI({ latencyMs: 5, faults: { rate429: 0.1, seed: 1 } });
 * // target: { provider: 'openai:fake', baseURL: server.baseURL, apiKey: 'sk-test' }
 * await server.close();
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const latency = options.latencyMs ?? 0;
  const faults = options.faults ?? {};
  const random = rng(faults.seed ?? 1);
  const record = options.record ?? true;
  const dim = options.embeddingDim ?? 64;
  let stats = newStats();
  const requests: RecordedRequest[] = [];
  const script = [...(options.script ?? [])];
  let completions = 0;
  let embeddingFailures = options.failEmbeddings ?? 0;

  const send = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const payload = JSON.stringify(body);
    const out: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      ...headers,
    };
    if (options.rateLimit && status === 200) {
      const r = options.rateLimit.remainingRequests;
      out['x-ratelimit-limit-requests'] = options.rateLimit.limitRequests;
      out['x-ratelimit-remaining-requests'] = typeof r === 'function' ? r(stats.calls) : r;
    }
    res.writeHead(status, out);
    res.end(payload);
  };
  const later = (ms: number, fn: () => void) => (ms > 0 ? setTimeout(fn, ms) : fn());

  const completion = (body: ChatBody, reply: Exclude<FakeReply, string>) => {
    const content = reply.content === undefined ? '' : reply.content;
    const promptTokens = (body.messages ?? []).reduce((n, m) => n + words(String(m.content)), 0);
    return {
      id: `chatcmpl-${++completions}`,
      object: 'chat.completion',
      created: 1_700_000_000,
      model: body.model ?? 'fake',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content,
            ...(reply.tool_calls ? { tool_calls: reply.tool_calls } : {}),
          },
          finish_reason: reply.tool_calls ? 'tool_calls' : 'stop',
        },
      ],
      usage: reply.usage
        ? { ...reply.usage, total_tokens: reply.usage.prompt_tokens + reply.usage.completion_tokens }
        : {
            prompt_tokens: promptTokens,
            completion_tokens: words(content ?? ''),
            total_tokens: promptTokens + words(content ?? ''),
          },
    };
  };

  const handleChat = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: ChatBody,
    note: (o: RecordedRequest['outcome']) => void,
  ) => {
    stats.chat++;
    const prompt = promptOf(body);
    stats.byPrompt.set(prompt, (stats.byPrompt.get(prompt) ?? 0) + 1);

    const scripted = script.shift();
    if (scripted) {
      if (scripted.hang) return note('timeout');
      if (scripted.reset) {
        note('reset');
        return req.socket.destroy();
      }
      const status = scripted.status ?? 200;
      note(status);
      const payload =
        scripted.body ??
        (status === 200 ? completion(body, scripted) : { error: { message: `HTTP ${status}` } });
      return later(scripted.delayMs ?? latency, () => send(res, status, payload, scripted.headers));
    }

    if (options.concurrencyLimit !== undefined && stats.chatInFlight >= options.concurrencyLimit) {
      stats.faults[429]++;
      note(429);
      return send(res, 429, { error: { message: 'Too many requests in flight', type: 'requests' } });
    }
    const counted = stats;
    counted.chatInFlight++;
    res.on('close', () => counted.chatInFlight--);
    const r = random();
    let edge = faults.rate429 ?? 0;
    if (r < edge) {
      stats.faults[429]++;
      note(429);
      const headers: Record<string, string> =
        faults.retryAfterSec === undefined ? {} : { 'retry-after': String(faults.retryAfterSec) };
      return send(res, 429, { error: { message: 'Rate limit reached', type: 'requests' } }, headers);
    }
    edge += faults.rate500 ?? 0;
    if (r < edge) {
      stats.faults[500]++;
      note(500);
      const headers: Record<string, string> =
        faults.retryAfter500Sec === undefined ? {} : { 'retry-after': String(faults.retryAfter500Sec) };
      return send(res, 500, { error: { message: 'The server had an error', type: 'server_error' } }, headers);
    }
    edge += faults.rateTimeout ?? 0;
    if (r < edge) {
      stats.faults.timeout++;
      return note('timeout');
    }
    edge += faults.rateReset ?? 0;
    if (r < edge) {
      stats.faults.reset++;
      note('reset');
      return req.socket.destroy();
    }

    const raw = options.reply ? await options.reply(body, req) : `Answer: ${prompt}`;
    const reply = typeof raw === 'string' ? { content: raw } : raw;
    const status = reply.status ?? 200;
    if (status === 200) stats.ok++;
    note(status);
    const payload =
      status === 200 ? completion(body, reply) : (reply.body ?? { error: { message: `HTTP ${status}` } });
    later(latency, () => send(res, status, payload, reply.headers));
  };

  const handleEmbeddings = (
    res: http.ServerResponse,
    body: { model?: string; input?: unknown },
    note: (o: 200) => void,
  ) => {
    stats.embeddings++;
    if (embeddingFailures > 0) {
      embeddingFailures--;
      return send(res, 503, { error: { message: 'embeddings overloaded', type: 'server_error' } });
    }
    stats.ok++;
    note(200);
    const inputs = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
    later(latency, () =>
      send(res, 200, {
        object: 'list',
        model: body.model ?? 'fake',
        data: inputs.map((text, index) => ({
          object: 'embedding',
          index,
          embedding: fakeEmbedding(text, dim),
        })),
        usage: { prompt_tokens: inputs.reduce((n, t) => n + words(t), 0), total_tokens: 0 },
      }),
    );
  };

  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path === '/v1/models') {
      return send(res, 200, {
        object: 'list',
        data: [{ id: 'fake-model', object: 'model', owned_by: 'assay' }],
      });
    }
    const isChat = path === '/v1/chat/completions';
    const isEmbed = path === '/v1/embeddings';
    if (req.method !== 'POST' || (!isChat && !isEmbed)) {
      return send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, { error: { message: 'invalid JSON body' } });
    }
    stats.calls++;
    stats.inFlight++;
    if (stats.inFlight > stats.maxInFlight) stats.maxInFlight = stats.inFlight;
    const counted = stats;
    res.on('close', () => counted.inFlight--);
    const note = (outcome: RecordedRequest['outcome']) => {
      if (record)
        requests.push({ method: req.method!, path, headers: req.headers, body, outcome, at: Date.now() });
    };
    if (isChat) await handleChat(req, res, body as ChatBody, note);
    else handleEmbeddings(res, body as { model?: string; input?: unknown }, note);
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseURL: `${url}/v1`,
    port,
    requests,
    get stats() {
      return stats;
    },
    script,
    count: (prompt) => stats.byPrompt.get(prompt) ?? 0,
    reset() {
      requests.length = 0;
      stats = newStats();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
