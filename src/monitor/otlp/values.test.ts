import { describe, expect, it } from 'vitest';
import { otlpJson, otlpProtobuf } from '../../../test/helpers/otlp.js';
import { createRng } from '../../stats/random.js';
import { decodeJsonRequest, decodeProtobufRequest } from './decode.js';
import { nanosToMs } from './values.js';

/** Milliseconds from a nanosecond count, computed exactly and rounded once. */
const exactMs = (n: bigint) => Number(n / 1_000_000n) + Number(n % 1_000_000n) / 1e6;

describe('nanosToMs', () => {
  it('gives the same milliseconds for a count sent as protobuf and as JSON, in order', () => {
    const rng = createRng(7);
    const base = 1_796_551_582_518_000_000n;
    const counts = [base, base + 200n, base + 999_999n, 1n << 63n, 1_000_000n];
    for (let i = 0; i < 2_000; i++)
      counts.push(
        base + BigInt(Math.floor(rng.next() * 1e12)) * 1000n + BigInt(Math.floor(rng.next() * 1000)),
      );
    for (const n of counts) {
      const pair = { low: Number(n & 0xffffffffn) | 0, high: Number(n >> 32n) | 0, unsigned: false };
      expect(nanosToMs(n.toString()), String(n)).toBe(exactMs(n));
      if (n < 1n << 63n) expect(nanosToMs(pair), String(n)).toBe(exactMs(n));
    }
    const sorted = [...counts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 1; i < sorted.length; i++)
      expect(nanosToMs(sorted[i]!.toString())!).toBeGreaterThanOrEqual(nanosToMs(sorted[i - 1]!.toString())!);
    expect(nanosToMs('-1796551582518000000')).toBeUndefined();
    expect(nanosToMs('17965515825x8000000')).toBeUndefined();
  });

  it('decodes the same span start from a protobuf body and from a JSON body', () => {
    // 2026-12-06T10:06:22.518Z: its protobuf count, converted whole, was 0.0002 ms off the JSON one.
    const span = {
      traceId: 'ab'.padEnd(32, '0'),
      spanId: 'cd'.padEnd(16, '0'),
      name: 's',
      startMs: 1796551582518,
    };
    const fromProto = decodeProtobufRequest(otlpProtobuf([span])).resourceSpans![0]!.scopeSpans![0]!
      .spans![0]!;
    const fromJson = decodeJsonRequest(Buffer.from(JSON.stringify(otlpJson([span])))).resourceSpans![0]!
      .scopeSpans![0]!.spans![0]!;
    expect(nanosToMs(fromProto.startTimeUnixNano)).toBe(1796551582518);
    expect(nanosToMs(fromJson.startTimeUnixNano)).toBe(1796551582518);
  });
});
