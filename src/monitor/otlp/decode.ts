import { createRequire } from 'node:module';
import { AssayError } from '../../core/errors.js';
import { TRACE_PROTO } from './trace-proto.js';

/**
 * OTLP trace requests, decoded from protobuf by protobufjs with the message definitions of
 * opentelemetry-proto (`trace-proto.ts`), or parsed from the
 * OTLP JSON encoding. Both decode to the same loose shape; `otlp/to-batch.ts` reads either.
 */

export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue | null;
}

export interface OtlpAnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: unknown;
  doubleValue?: number | null;
  arrayValue?: { values?: OtlpAnyValue[] | null } | null;
  kvlistValue?: { values?: OtlpKeyValue[] | null } | null;
  bytesValue?: Uint8Array | string | null;
}

export interface OtlpEvent {
  timeUnixNano?: unknown;
  name?: string | null;
  attributes?: OtlpKeyValue[] | null;
}

export interface OtlpSpan {
  traceId?: Uint8Array | string | null;
  spanId?: Uint8Array | string | null;
  parentSpanId?: Uint8Array | string | null;
  name?: string | null;
  kind?: number | string | null;
  startTimeUnixNano?: unknown;
  endTimeUnixNano?: unknown;
  attributes?: OtlpKeyValue[] | null;
  events?: OtlpEvent[] | null;
  status?: { code?: number | string | null; message?: string | null } | null;
}

export interface OtlpTraceRequest {
  resourceSpans?:
    | {
        resource?: { attributes?: OtlpKeyValue[] | null } | null;
        scopeSpans?: { scope?: { name?: string | null } | null; spans?: OtlpSpan[] | null }[] | null;
      }[]
    | null;
}

interface ProtoType {
  decode(buf: Uint8Array): unknown;
  encode(msg: unknown): { finish(): Uint8Array };
}

let messages: { request: ProtoType; response: ProtoType } | undefined;

function proto() {
  if (!messages) {
    // The light build: reflection from a JSON descriptor, no .proto parser.
    const { Root } = createRequire(import.meta.url)(
      'protobufjs/light.js',
    ) as typeof import('protobufjs/light.js');
    const root = Root.fromJSON(TRACE_PROTO);
    // As in the generated code, an unset member of AnyValue's oneof reads null, not its type's
    // default ("", 0, false): `values.ts` tells which one is set by that.
    const any = root.lookupType('opentelemetry.proto.common.v1.AnyValue');
    const proto = any.ctor.prototype as Record<string, unknown>;
    for (const field of any.fieldsArray) proto[field.name] = null;
    // protobufjs names the member it just decoded through the oneof's virtual property (`value`),
    // whose setter deletes every other member: six `delete`s on every attribute value, most of the
    // decoding's time. The property cannot be redefined, so AnyValue gets a prototype of its own
    // with a setter that deletes only a member that is set: one decoded earlier (a body that sends
    // two), so the last one still wins as protobuf says.
    const oneof = any.oneofsArray[0]!;
    const members = oneof.oneof;
    const fresh = Object.create(Object.getPrototypeOf(proto)) as Record<string, unknown>;
    for (const key of Reflect.ownKeys(proto))
      if (key !== oneof.name) Object.defineProperty(fresh, key, Object.getOwnPropertyDescriptor(proto, key)!);
    Object.defineProperty(fresh, oneof.name, {
      get: Object.getOwnPropertyDescriptor(proto, oneof.name)!.get,
      set(this: Record<string, unknown>, name: string) {
        for (const member of members) if (member !== name && this[member] !== null) delete this[member];
      },
    });
    (any.ctor as { prototype: object }).prototype = fresh;
    const v1 = 'opentelemetry.proto.collector.trace.v1';
    messages = {
      request: root.lookupType(`${v1}.ExportTraceServiceRequest`),
      response: root.lookupType(`${v1}.ExportTraceServiceResponse`),
    };
  }
  return messages;
}

/** Decodes an `ExportTraceServiceRequest` in protobuf; a malformed body is a `usage` error (HTTP 400). */
export function decodeProtobufRequest(body: Uint8Array): OtlpTraceRequest {
  try {
    return proto().request.decode(body) as OtlpTraceRequest;
  } catch (error) {
    throw new AssayError(
      'input.invalid',
      `the body is not an OTLP ExportTraceServiceRequest in protobuf: ${(error as Error).message}`,
    );
  }
}

/** Parses an `ExportTraceServiceRequest` in the OTLP JSON encoding (hex ids, enums as integers). */
export function decodeJsonRequest(body: Uint8Array): OtlpTraceRequest {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    throw new AssayError('input.invalid', `the body is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AssayError(
      'input.invalid',
      'the body is not an OTLP ExportTraceServiceRequest: expected a JSON object',
    );
  const spans = (value as OtlpTraceRequest).resourceSpans;
  if (spans !== undefined && spans !== null && !Array.isArray(spans))
    throw new AssayError('input.invalid', 'resourceSpans must be an array', { field: 'resourceSpans' });
  return value as OtlpTraceRequest;
}

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

/** An `ExportTraceServiceResponse`; `partialSuccess` only when some spans were refused. */
export function encodeProtobufResponse(partial?: PartialSuccess): Uint8Array {
  return proto()
    .response.encode(partial ? { partialSuccess: partial } : {})
    .finish();
}

export function jsonResponse(partial?: PartialSuccess): Record<string, unknown> {
  return partial
    ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } }
    : {};
}
