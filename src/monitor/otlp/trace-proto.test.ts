import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { TRACE_PROTO } from './trace-proto.js';

// The official definitions, as code: @opentelemetry/otlp-transformer 0.215.0 (the last line of it
// that runs on Node 20; a dev dependency) ships protobufjs's static code generated from the
// opentelemetry-proto .proto files, but neither the .proto files nor a JSON descriptor (no npm
// package we found does; its later versions dropped the generated code). Each generated `encode`
// spells out every field of its message: name, number, wire type and how it is written. This test
// reads them, from the two messages of the trace export on, and requires trace-proto.ts to say the
// same of every message reachable from them: no field missing, added, renumbered or retyped.
const require = createRequire(import.meta.url);
const official = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const { Root } = require('protobufjs/light.js') as typeof import('protobufjs/light.js');

interface FieldShape {
  id: number;
  /** A scalar's protobuf type as the writer is called (`string`, `fixed64`, enums as `int32`), or a message's name. */
  type: string;
  repeated: boolean;
}

const FIELD =
  /if \(message\.(\w+) != null && (message\.\w+\.length|Object\.hasOwnProperty\.call\(message, "\w+"\))\)\s*(?:for \([^)]*\)\s*)?(?:\$root\.([\w.]+)\.encode\([^,]+, writer\.uint32\(\/\* id (\d+), wireType \d =\*\/ ?\d+\)|writer\.uint32\(\/\* id (\d+), wireType \d =\*\/ ?\d+\)\.(\w+)\()/g;

const at = (path: string) => path.split('.').reduce((o, k) => o[k], official);
const short = (path: string) => path.split('.').pop()!;

/** Every message reachable from `roots` in the generated code, by full name, with its fields. */
function officialShapes(roots: string[]): Map<string, Record<string, FieldShape>> {
  const out = new Map<string, Record<string, FieldShape>>();
  const todo = [...roots];
  while (todo.length > 0) {
    const path = todo.pop()!;
    if (out.has(path)) continue;
    const source = String(at(path).encode);
    const fields: Record<string, FieldShape> = {};
    for (const m of source.matchAll(FIELD)) {
      const [, name, presence, nested, nestedId, scalarId, method] = m;
      fields[name!] = {
        id: Number(nested ? nestedId : scalarId),
        type: nested ? short(nested) : method!,
        repeated: presence!.endsWith('.length'),
      };
      if (nested) todo.push(nested);
    }
    // Every `if (message.x` of the encoder was understood: a field written some other way fails here.
    expect(Object.keys(fields).length, path).toBe(source.match(/if \(message\.\w+ != null/g)?.length);
    out.set(path, fields);
  }
  return out;
}

describe('trace-proto.ts', () => {
  it('has every field of every OTLP trace export message as the official generated code has it', () => {
    const v1 = 'opentelemetry.proto.collector.trace.v1';
    const shapes = officialShapes([`${v1}.ExportTraceServiceRequest`, `${v1}.ExportTraceServiceResponse`]);
    const ours = Root.fromJSON(TRACE_PROTO);
    expect(shapes.size).toBeGreaterThanOrEqual(15);
    for (const [path, fields] of shapes) {
      // Ours nests Span.Event and Span.Link beside Span: the names do not go on the wire.
      const type = ours.lookupType(path.replace(/\.Span\.(Event|Link)$/, '.$1'));
      const mine: Record<string, FieldShape> = {};
      for (const f of type.fieldsArray) {
        f.resolve();
        mine[f.name] = {
          id: f.id,
          type: f.resolvedType ? f.resolvedType.name : f.type,
          repeated: f.repeated,
        };
      }
      expect(mine, path).toEqual(fields);
    }
  });

  it("has AnyValue's members in one oneof, as the official code", () => {
    const ours = Root.fromJSON(TRACE_PROTO).lookupType('opentelemetry.proto.common.v1.AnyValue');
    const theirs = official.opentelemetry.proto.common.v1.AnyValue;
    // The generated class names the member that is set through its oneof's `value`.
    const samples: Record<string, unknown> = {
      stringValue: 's',
      boolValue: true,
      intValue: 3,
      doubleValue: 0.5,
      arrayValue: {},
      kvlistValue: {},
      bytesValue: new Uint8Array([1]),
    };
    const members = Object.keys(samples).filter((k) => theirs.fromObject({ [k]: samples[k] }).value === k);
    expect(members).toHaveLength(7);
    expect(ours.oneofsArray.map((o) => [o.name, [...o.oneof].sort()])).toEqual([['value', members.sort()]]);
  });
});
