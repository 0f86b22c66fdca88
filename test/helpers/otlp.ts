import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';

/** Builds OTLP trace requests for tests, in the JSON encoding and (through the official generated code) protobuf. */

type Attr = string | number | boolean | Attr[] | { [key: string]: Attr };

function anyValue(v: Attr): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: Object.entries(v).map(([key, x]) => ({ key, value: anyValue(x) })) } };
}

export const kv = (attrs: Record<string, Attr>) =>
  Object.entries(attrs).map(([key, value]) => ({ key, value: anyValue(value) }));

export interface TestSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs?: number;
  durationMs?: number;
  attributes?: Record<string, Attr>;
  events?: { name: string; attributes: Record<string, Attr> }[];
  status?: { code: number; message?: string };
}

const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/** An ExportTraceServiceRequest in the OTLP JSON encoding: hex ids, enums as integers, int64 as strings. */
export function otlpJson(spans: TestSpan[], resource: Record<string, Attr> = { 'service.name': 'test-app' }) {
  return {
    resourceSpans: [
      {
        resource: { attributes: kv(resource) },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: spans.map((s) => {
              const start = s.startMs ?? Date.now();
              return {
                traceId: s.traceId,
                spanId: s.spanId,
                ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
                name: s.name,
                kind: 3,
                startTimeUnixNano: nanos(start),
                endTimeUnixNano: nanos(start + (s.durationMs ?? 100)),
                attributes: kv(s.attributes ?? {}),
                events: (s.events ?? []).map((e) => ({
                  name: e.name,
                  timeUnixNano: nanos(start),
                  attributes: kv(e.attributes),
                })),
                status: s.status ?? { code: 0 },
              };
            }),
          },
        ],
      },
    ],
  };
}

const hexBytes = (hex: string) => Buffer.from(hex, 'hex');

/** The same request in protobuf, encoded with the code generated from the official .proto files. */
export function otlpProtobuf(spans: TestSpan[], resource?: Record<string, Attr>): Uint8Array {
  const json = otlpJson(spans, resource) as {
    resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
  };
  for (const rs of json.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const s of ss.spans) {
        s.traceId = hexBytes(s.traceId as string);
        s.spanId = hexBytes(s.spanId as string);
        if (s.parentSpanId) s.parentSpanId = hexBytes(s.parentSpanId as string);
      }
  const require = createRequire(import.meta.url);
  const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
  const T = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
  return T.encode(T.fromObject(json)).finish();
}

export function decodeOtlpResponse(body: Uint8Array): {
  partialSuccess?: { rejectedSpans?: unknown; errorMessage?: string };
} {
  const require = createRequire(import.meta.url);
  const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
  const T = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
  return T.toObject(T.decode(body), { longs: Number });
}

export const gzip = (body: Uint8Array | string) => gzipSync(body);

export function hex(n: number, bytes: number): string {
  return n.toString(16).padStart(bytes * 2, '0');
}

/**
 * A trace with spans of every shape a stored row holds: messages with parts and a tool call, a
 * retrieval's contexts, tags, a prompt version, an error, a span without a model, an e-mail address
 * a redactor masks. `trace` and `span` are hex prefixes (trace ids padded to 32 digits, span ids to 16).
 */
export function everyShape(traceHex: string, span: string): TestSpan[] {
  const trace = traceHex.padEnd(32, '0');
  return [
    {
      traceId: trace,
      spanId: `${span}1`.padEnd(16, '0'),
      name: 'agent',
      attributes: {
        'session.id': 's-1',
        'user.id': 'u-1',
        'assay.segment': 'beta',
        'openinference.span.kind': 'AGENT',
      },
    },
    {
      traceId: trace,
      spanId: `${span}2`.padEnd(16, '0'),
      parentSpanId: `${span}1`.padEnd(16, '0'),
      name: 'chat',
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 3,
        'gen_ai.conversation.id': 's-1',
        'assay.prompt.version': 'v7',
        'gen_ai.input.messages': JSON.stringify([
          { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
          {
            role: 'user',
            parts: [{ type: 'text', content: 'Mail me at ann@example.com about “café” refunds' }],
          },
        ]),
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            parts: [{ type: 'tool_call', id: 'c1', name: 'lookup', arguments: { q: 'refund' } }],
          },
        ]),
        'custom.flag': true,
      },
    },
    {
      traceId: trace,
      spanId: `${span}3`.padEnd(16, '0'),
      parentSpanId: `${span}1`.padEnd(16, '0'),
      name: 'retrieve',
      attributes: {
        'openinference.span.kind': 'RETRIEVER',
        'retrieval.documents.0.document.content': 'Refunds within 30 days.',
        'retrieval.documents.0.document.id': 'doc-1',
        'retrieval.documents.0.document.score': 0.8,
      },
      status: { code: 2, message: 'timeout' },
    },
  ];
}
