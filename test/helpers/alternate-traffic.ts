import { hex, otlpJson } from './otlp.js';

/**
 * Trace `i` of a test that spreads traffic over several servers: sent over OTLP/JSON when i % 4 < 2,
 * else as a native `generation` event; every fourth answer a refusal ("I cannot help."). Resolves
 * with the HTTP status.
 */
export async function sendTrace(baseUrl: string, token: string, i: number, startMs: number): Promise<number> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const output = i % 4 === 0 ? 'I cannot help.' : 'You have 30 days.';
  const body =
    i % 4 < 2
      ? otlpJson([
          {
            traceId: hex(i + 1, 16),
            spanId: hex(i + 1, 8),
            name: 'chat gpt-4o',
            startMs,
            attributes: {
              'gen_ai.operation.name': 'chat',
              'gen_ai.request.model': 'gpt-4o',
              'gen_ai.output.messages': JSON.stringify([
                { role: 'assistant', parts: [{ type: 'text', content: output }] },
              ]),
            },
          },
        ])
      : {
          events: [
            {
              type: 'generation',
              id: `gen-${i}`,
              traceId: `trace-${i}`,
              timestamp: new Date(startMs).toISOString(),
              model: 'gpt-4o',
              input: `How long do I have to return item ${i}?`,
              output,
              latencyMs: 200,
            },
          ],
        };
  const path = i % 4 < 2 ? '/v1/traces' : '/api/v1/ingest';
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}
