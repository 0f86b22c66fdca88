import http from 'node:http';
import https from 'node:https';
import { AssayError } from '../core/errors.js';
import type { GenerateRequest, GenerateResponse } from '../core/provider.js';
import { statusError } from './http-client.js';
import { OPENAI_BASE_URL } from './openai.js';
import type { ProviderSettings } from './settings.js';

export interface StreamOptions {
  signal?: AbortSignal;
  /** Called once, when the first piece of the answer arrives. */
  onFirstToken?: () => void;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 256 }),
};

interface StreamChunk {
  choices?: { delta?: { content?: string | null } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

/**
 * A chat completion with `stream: true` on any OpenAI-compatible server, read as server-sent
 * events. Kept apart from `generate` because only load tests need it: they measure the time to
 * the first token, which a buffered response hides. Tool calls in the stream are not assembled.
 */
export function streamChatCompletion(
  settings: ProviderSettings,
  req: GenerateRequest,
  options: StreamOptions = {},
): Promise<GenerateResponse> {
  const base = (settings.baseURL ?? OPENAI_BASE_URL).replace(/\/+$/, '');
  const url = new URL(`${base}/chat/completions`);
  const lib = url.protocol === 'https:' ? https : http;
  const what = `${settings.family}:${settings.model} at ${base}`;
  const payload = JSON.stringify({
    model: settings.model,
    messages: req.messages,
    ...req.params,
    stream: true,
  });
  const headers: Record<string, string | number> = {
    ...settings.headers,
    accept: 'text/event-stream',
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  };
  if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;

  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const r = lib.request(
      url,
      { method: 'POST', headers, agent: agents[url.protocol as keyof typeof agents] },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = JSON.parse(text);
            } catch {}
            settle(() => reject(statusError({ status, headers: res.headers, body, text }, what)));
          });
          return;
        }
        res.setEncoding('utf8');
        let buffer = '';
        let text = '';
        let first = true;
        let usage: GenerateResponse['usage'];
        const onEvent = (event: string) => {
          for (const line of event.split('\n')) {
            if (!line.startsWith('data:')) continue;
            const data = line.slice(5).trim();
            if (data === '' || data === '[DONE]') continue;
            let chunk: StreamChunk;
            try {
              chunk = JSON.parse(data) as StreamChunk;
            } catch {
              throw new AssayError(
                'provider.response',
                `${what}: a streamed event is not JSON: ${data.slice(0, 80)}`,
              );
            }
            const piece = chunk.choices?.[0]?.delta?.content;
            if (piece) {
              if (first) options.onFirstToken?.();
              first = false;
              text += piece;
            }
            if (chunk.usage) {
              usage = {
                inputTokens: chunk.usage.prompt_tokens ?? 0,
                outputTokens: chunk.usage.completion_tokens ?? 0,
              };
            }
          }
        };
        res.on('data', (piece: string) => {
          buffer += piece.replace(/\r\n/g, '\n');
          let cut = buffer.indexOf('\n\n');
          try {
            while (cut >= 0) {
              onEvent(buffer.slice(0, cut));
              buffer = buffer.slice(cut + 2);
              cut = buffer.indexOf('\n\n');
            }
          } catch (error) {
            r.destroy();
            settle(() => reject(error));
          }
        });
        res.on('error', (e) => settle(() => reject(network(e, what))));
        res.on('end', () =>
          settle(() => {
            try {
              if (buffer.trim()) onEvent(buffer);
            } catch (error) {
              return reject(error);
            }
            resolve({ text, ...(usage ? { usage } : {}) });
          }),
        );
      },
    );
    const onAbort = () => {
      r.destroy();
      settle(() => reject(new AssayError('run.aborted', 'request aborted')));
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    r.on('error', (e) => settle(() => reject(network(e, what))));
    r.end(payload);
  });
}

function network(error: Error, what: string): AssayError {
  const code = (error as NodeJS.ErrnoException).code ?? error.message;
  return new AssayError('provider.network', `cannot reach ${what}: ${code}`, {
    cause: error,
    retryable: true,
  });
}
