/**
 * The OTLP trace export messages (opentelemetry-proto `collector/trace/v1`, `trace/v1`,
 * `resource/v1`, `common/v1`) as a protobufjs JSON descriptor: field names (camelCase, as protobufjs
 * gives them), numbers and wire types. Written out here so that decoding needs only `protobufjs`
 * (~4 MB) rather than `@opentelemetry/otlp-transformer` and the SDK packages it depends on (~29 MB).
 * No package ships the .proto files or a descriptor (docs/design/otlp-descriptor.md): `trace-proto.test.ts`
 * checks every field of every message here against that package's generated code, and `decode.test.ts`
 * decodes a request using every field with both. Enums are read as their integers (`kind`, `code`), as
 * `otlp/to-batch.ts` expects.
 */

type Fields = Record<string, { id: number; type: string; rule?: 'repeated' }>;
const msg = (fields: Fields) => ({ fields });
const list = (id: number, type: string) => ({ id, type, rule: 'repeated' as const });

export const TRACE_PROTO = {
  nested: {
    opentelemetry: {
      nested: {
        proto: {
          nested: {
            common: {
              nested: {
                v1: {
                  nested: {
                    AnyValue: {
                      oneofs: {
                        value: {
                          oneof: [
                            'stringValue',
                            'boolValue',
                            'intValue',
                            'doubleValue',
                            'arrayValue',
                            'kvlistValue',
                            'bytesValue',
                          ],
                        },
                      },
                      fields: {
                        stringValue: { id: 1, type: 'string' },
                        boolValue: { id: 2, type: 'bool' },
                        intValue: { id: 3, type: 'int64' },
                        doubleValue: { id: 4, type: 'double' },
                        arrayValue: { id: 5, type: 'ArrayValue' },
                        kvlistValue: { id: 6, type: 'KeyValueList' },
                        bytesValue: { id: 7, type: 'bytes' },
                      },
                    },
                    ArrayValue: msg({ values: list(1, 'AnyValue') }),
                    KeyValueList: msg({ values: list(1, 'KeyValue') }),
                    KeyValue: msg({ key: { id: 1, type: 'string' }, value: { id: 2, type: 'AnyValue' } }),
                    InstrumentationScope: msg({
                      name: { id: 1, type: 'string' },
                      version: { id: 2, type: 'string' },
                      attributes: list(3, 'KeyValue'),
                      droppedAttributesCount: { id: 4, type: 'uint32' },
                    }),
                    EntityRef: msg({
                      schemaUrl: { id: 1, type: 'string' },
                      type: { id: 2, type: 'string' },
                      idKeys: list(3, 'string'),
                      descriptionKeys: list(4, 'string'),
                    }),
                  },
                },
              },
            },
            resource: {
              nested: {
                v1: {
                  nested: {
                    Resource: msg({
                      attributes: list(1, 'opentelemetry.proto.common.v1.KeyValue'),
                      droppedAttributesCount: { id: 2, type: 'uint32' },
                      entityRefs: list(3, 'opentelemetry.proto.common.v1.EntityRef'),
                    }),
                  },
                },
              },
            },
            trace: {
              nested: {
                v1: {
                  nested: {
                    ResourceSpans: msg({
                      resource: { id: 1, type: 'opentelemetry.proto.resource.v1.Resource' },
                      scopeSpans: list(2, 'ScopeSpans'),
                      schemaUrl: { id: 3, type: 'string' },
                    }),
                    ScopeSpans: msg({
                      scope: { id: 1, type: 'opentelemetry.proto.common.v1.InstrumentationScope' },
                      spans: list(2, 'Span'),
                      schemaUrl: { id: 3, type: 'string' },
                    }),
                    Span: msg({
                      traceId: { id: 1, type: 'bytes' },
                      spanId: { id: 2, type: 'bytes' },
                      traceState: { id: 3, type: 'string' },
                      parentSpanId: { id: 4, type: 'bytes' },
                      flags: { id: 16, type: 'fixed32' },
                      name: { id: 5, type: 'string' },
                      kind: { id: 6, type: 'int32' },
                      startTimeUnixNano: { id: 7, type: 'fixed64' },
                      endTimeUnixNano: { id: 8, type: 'fixed64' },
                      attributes: list(9, 'opentelemetry.proto.common.v1.KeyValue'),
                      droppedAttributesCount: { id: 10, type: 'uint32' },
                      events: list(11, 'Event'),
                      droppedEventsCount: { id: 12, type: 'uint32' },
                      links: list(13, 'Link'),
                      droppedLinksCount: { id: 14, type: 'uint32' },
                      status: { id: 15, type: 'Status' },
                    }),
                    Event: msg({
                      timeUnixNano: { id: 1, type: 'fixed64' },
                      name: { id: 2, type: 'string' },
                      attributes: list(3, 'opentelemetry.proto.common.v1.KeyValue'),
                      droppedAttributesCount: { id: 4, type: 'uint32' },
                    }),
                    Link: msg({
                      traceId: { id: 1, type: 'bytes' },
                      spanId: { id: 2, type: 'bytes' },
                      traceState: { id: 3, type: 'string' },
                      attributes: list(4, 'opentelemetry.proto.common.v1.KeyValue'),
                      droppedAttributesCount: { id: 5, type: 'uint32' },
                      flags: { id: 6, type: 'fixed32' },
                    }),
                    Status: msg({ message: { id: 2, type: 'string' }, code: { id: 3, type: 'int32' } }),
                  },
                },
              },
            },
            collector: {
              nested: {
                trace: {
                  nested: {
                    v1: {
                      nested: {
                        ExportTraceServiceRequest: msg({
                          resourceSpans: list(1, 'opentelemetry.proto.trace.v1.ResourceSpans'),
                        }),
                        ExportTraceServiceResponse: msg({
                          partialSuccess: { id: 1, type: 'ExportTracePartialSuccess' },
                        }),
                        ExportTracePartialSuccess: msg({
                          rejectedSpans: { id: 1, type: 'int64' },
                          errorMessage: { id: 2, type: 'string' },
                        }),
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};
