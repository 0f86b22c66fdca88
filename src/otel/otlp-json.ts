/**
 * The OTLP/HTTP JSON encoding of traces (opentelemetry-proto's JSON mapping): ids are lowercase hex,
 * enums are integers, 64-bit integers (times, intValue) are decimal strings.
 */

export type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number };

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface OtlpEvent {
  timeUnixNano: string;
  name: string;
  attributes: KeyValue[];
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 1 INTERNAL, 2 SERVER, 3 CLIENT. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  events: OtlpEvent[];
  /** code 0 UNSET, 1 OK, 2 ERROR. */
  status: { code: number; message?: string };
}

export interface ExportTraceRequest {
  resourceSpans: {
    resource: { attributes: KeyValue[] };
    scopeSpans: { scope: { name: string; version: string }; spans: OtlpSpan[] }[];
  }[];
}

/** Attributes from a plain object; `undefined` and `null` values are left out. */
export function attributes(values: Record<string, string | number | boolean | null | undefined>): KeyValue[] {
  const out: KeyValue[] = [];
  for (const [key, v] of Object.entries(values)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') out.push({ key, value: { stringValue: v } });
    else if (typeof v === 'boolean') out.push({ key, value: { boolValue: v } });
    else if (Number.isInteger(v)) out.push({ key, value: { intValue: String(v) } });
    else out.push({ key, value: { doubleValue: v } });
  }
  return out;
}

/** Milliseconds since the epoch as OTLP's decimal nanoseconds. */
export function unixNano(ms: number): string {
  return (BigInt(Math.round(ms)) * 1_000_000n).toString();
}

/** One export request: every span under one resource and one instrumentation scope. */
export function exportRequest(
  spans: OtlpSpan[],
  resource: Record<string, string>,
  scope: { name: string; version: string },
): ExportTraceRequest {
  return {
    resourceSpans: [{ resource: { attributes: attributes(resource) }, scopeSpans: [{ scope, spans }] }],
  };
}
