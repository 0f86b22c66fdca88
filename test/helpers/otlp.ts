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
