import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeProtobufRequest, encodeProtobufResponse } from './decode.js';

// trace-proto.ts spells out the OTLP trace messages; the reference is the code generated from the
// official .proto files that @opentelemetry/otlp-transformer ships (a dev dependency).
const root = createRequire(import.meta.url)('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const v1 = root.opentelemetry.proto.collector.trace.v1;
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const kv = (key: string, value: Record<string, unknown>) => ({ key, value });

const REQUEST = {
  resourceSpans: [
    {
      resource: {
        attributes: [kv('service.name', { stringValue: 'shop' })],
        droppedAttributesCount: 1,
        entityRefs: [{ schemaUrl: 's', type: 'service', idKeys: ['service.name'], descriptionKeys: ['d'] }],
      },
      schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
      scopeSpans: [
        {
          scope: {
            name: 'openai',
            version: '1.2',
            attributes: [kv('a', { boolValue: true })],
            droppedAttributesCount: 2,
          },
          schemaUrl: 'scope-schema',
          spans: [
            {
              traceId: bytes('0102030405060708090a0b0c0d0e0f10'),
              spanId: bytes('1112131415161718'),
              parentSpanId: bytes('2122232425262728'),
              traceState: 'k=v',
              flags: 257,
              name: 'chat gpt-4o',
              kind: 3,
              startTimeUnixNano: '1733380000000000123',
              endTimeUnixNano: '1733380000500000456',
              attributes: [
                kv('gen_ai.usage.input_tokens', { intValue: '9007199254740993' }),
                kv('temperature', { doubleValue: 0.25 }),
                kv('tags', { arrayValue: { values: [{ stringValue: 'x' }, { intValue: -3 }] } }),
                kv('meta', { kvlistValue: { values: [kv('nested', { stringValue: 'y' })] } }),
                kv('raw', { bytesValue: bytes('deadbeef') }),
              ],
              droppedAttributesCount: 3,
              events: [
                {
                  timeUnixNano: '1733380000100000000',
                  name: 'gen_ai.choice',
                  attributes: [kv('i', { intValue: 0 })],
                  droppedAttributesCount: 4,
                },
              ],
              droppedEventsCount: 5,
              links: [
                {
                  traceId: bytes('3132333435363738393a3b3c3d3e3f40'),
                  spanId: bytes('4142434445464748'),
                  traceState: 'l=w',
                  attributes: [kv('why', { stringValue: 'retry' })],
                  droppedAttributesCount: 6,
                  flags: 1,
                },
              ],
              droppedLinksCount: 7,
              status: { code: 2, message: 'rate limited' },
            },
          ],
        },
      ],
    },
  ],
};

describe('OTLP protobuf decoding', () => {
  it('reads every field of a request encoded by the official generated code as that code does', () => {
    const body: Uint8Array = v1.ExportTraceServiceRequest.encode(
      v1.ExportTraceServiceRequest.fromObject(REQUEST),
    ).finish();
    const options = { longs: String, bytes: String, defaults: false };
    const ours = v1.ExportTraceServiceRequest.toObject(decodeProtobufRequest(body), options);
    const theirs = v1.ExportTraceServiceRequest.toObject(v1.ExportTraceServiceRequest.decode(body), options);
    expect(ours).toEqual(theirs);
    expect(ours.resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue).toBe(
      '9007199254740993',
    );
  });

  it('keeps the last member of an AnyValue that a body sends two of, as protobuf merges them', () => {
    // Two AnyValue encodings one after the other are one AnyValue with both members set; the
    // official decoder keeps the last (and our values read `stringValue` first).
    const common = root.opentelemetry.proto.common.v1;
    const value = Buffer.concat([
      common.AnyValue.encode({ stringValue: 'first' }).finish(),
      common.AnyValue.encode({ intValue: 7 }).finish(),
    ]);
    // Nested by hand: field N of a message holding `inner` (length-delimited).
    const { Writer } = createRequire(import.meta.url)('protobufjs/minimal.js');
    const field = (n: number, inner: Uint8Array) =>
      Buffer.from(
        Writer.create()
          .uint32((n << 3) | 2)
          .bytes(inner)
          .finish(),
      );
    const span = Buffer.concat([
      root.opentelemetry.proto.trace.v1.Span.encode({
        traceId: bytes('0102030405060708090a0b0c0d0e0f10'),
        spanId: bytes('1112131415161718'),
        name: 's',
        startTimeUnixNano: 1733380000000000000n.toString(),
      }).finish(),
      field(9, Buffer.concat([field(1, Buffer.from('k')), field(2, value)])),
    ]);
    const patched = field(1, field(2, field(2, span)));
    const attribute =
      decodeProtobufRequest(patched).resourceSpans![0]!.scopeSpans![0]!.spans![0]!.attributes![0]!;
    expect(attribute.value).toMatchObject({ intValue: expect.anything() });
    expect(attribute.value!.stringValue ?? null).toBeNull();
    const theirs = v1.ExportTraceServiceRequest.decode(patched).resourceSpans[0].scopeSpans[0].spans[0];
    expect(theirs.attributes[0].value.value).toBe('intValue');
  });

  it('encodes a response the official code reads back', () => {
    const partial = { rejectedSpans: 3, errorMessage: 'queue full' };
    const decoded = v1.ExportTraceServiceResponse.decode(encodeProtobufResponse(partial));
    expect(v1.ExportTraceServiceResponse.toObject(decoded, { longs: Number })).toEqual({
      partialSuccess: partial,
    });
    expect(encodeProtobufResponse()).toHaveLength(0);
  });
});
