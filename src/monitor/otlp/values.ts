import type { OtlpAnyValue, OtlpKeyValue } from './decode.js';

/** OTLP values → plain JS: strings, numbers, booleans, arrays and objects (key-value lists). */

/** An int64 as protobufjs (Long), the JSON encoding (string) or a plain number gives it. */
export function int64(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v === '' ? undefined : Number(v);
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'object') {
    const long = v as { low: number; high: number; unsigned?: boolean; toNumber?: () => number };
    if (typeof long.toNumber === 'function') return long.toNumber();
    if (typeof long.low === 'number') return long.high * 4294967296 + (long.low >>> 0);
  }
  return undefined;
}

/**
 * Nanoseconds since the epoch → milliseconds (fractions kept), the same double from every encoding
 * of the same count: whole milliseconds plus the sub-millisecond digits over 10^6. A double cannot
 * hold today's nanosecond counts (~1.8e18, past 2^53), so converting the whole count first would put
 * a span sent as protobuf (a 64-bit pair) 0.0002 ms from the same span sent as JSON (a decimal
 * string): enough to reorder two turns that started in the same millisecond.
 */
export function nanosToMs(v: unknown): number | undefined {
  if (typeof v === 'string' && v.length > 6) {
    if (!DIGITS.test(v)) return undefined;
    return Number(v.slice(0, -6)) + Number(v.slice(-6)) / 1e6;
  }
  if (typeof v === 'bigint') return nanosToMs(v.toString());
  if (v !== null && typeof v === 'object') {
    const { low, high } = v as { low?: unknown; high?: unknown };
    if (typeof low === 'number' && typeof high === 'number' && high >= 0) {
      // high * 2^32 + low, with 2^32 = 4294 * 10^6 + 967296: every product and sum below is an
      // integer under 2^53, so exact.
      const rest = high * 967296 + (low >>> 0);
      const whole = Math.floor(rest / 1e6);
      return high * 4294 + whole + (rest - whole * 1e6) / 1e6;
    }
  }
  const n = int64(v);
  return n === undefined || !Number.isFinite(n) ? undefined : n / 1e6;
}

const DIGITS = /^\d+$/;

/**
 * The value of whichever member of the oneof was sent. An unsent member reads `null` on a decoded
 * protobuf message (`decode.ts` sets them so on the prototype) and `undefined` in the JSON encoding,
 * so `!= null` tells the sent one without an own-property lookup per member (this runs for every
 * attribute of every span).
 */
export function anyValue(v: OtlpAnyValue | null | undefined): unknown {
  if (!v) return null;
  if (v.stringValue != null) return v.stringValue;
  if (v.boolValue != null) return v.boolValue;
  if (v.intValue != null) return int64(v.intValue);
  if (v.doubleValue != null) return Number(v.doubleValue);
  if (v.arrayValue != null) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue != null) return attributes(v.kvlistValue.values);
  if (v.bytesValue != null)
    return typeof v.bytesValue === 'string' ? v.bytesValue : Buffer.from(v.bytesValue).toString('base64');
  return null;
}

export function attributes(list: OtlpKeyValue[] | null | undefined, into: Record<string, unknown> = {}) {
  if (!list) return into;
  for (const kv of list) if (kv && typeof kv.key === 'string') into[kv.key] = anyValue(kv.value);
  return into;
}

const HEX = /^[0-9a-f]*$/;

/** A trace or span id as lowercase hex: from bytes (protobuf) or the JSON encoding's hex string. */
export function hexId(v: Uint8Array | string | null | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (s === '') return undefined;
    if (HEX.test(s)) return s;
    // Some JSON encoders send ids in base64, the protobuf JSON mapping's way.
    const bytes = Buffer.from(v, 'base64');
    return bytes.length === 16 || bytes.length === 8 ? bytes.toString('hex') : undefined;
  }
  if (v.length === 0) return undefined;
  // protobufjs hands out Buffer views when decoding a Buffer: no second view to make.
  return (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)).toString('hex');
}
