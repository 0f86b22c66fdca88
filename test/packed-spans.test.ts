import { describe, expect, it } from 'vitest';
import { emptyBatch, type SpanRecord } from '../src/core/trace.js';
import { privacyTransform } from '../src/monitor/ingest-privacy.js';
import { convertOtlp, packConversion, unpackConversion } from '../src/monitor/otlp/convert.js';
import { lastUserText } from '../src/monitor/signals.js';
import { addSpans, type PendingTrace } from '../src/monitor/signals-pending.js';
import { PackedSpan, renderSpan, SPAN_COLUMNS, spanValues } from '../src/store/span-values.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { SqliteTraceWriter } from '../src/store/sqlite-trace-writer.js';
import { spanRow } from '../src/store/trace-rows.js';
import { everyShape, otlpJson } from './helpers/otlp.js';

const request = otlpJson(everyShape('a1', 'b'));
const body = new TextEncoder().encode(JSON.stringify(request));
const converted = () => convertOtlp({ body, protobuf: false, projectId: 'p', nowMs: 1_733_380_000_000 });
/** Through a thread's structured clone, as the conversion pool receives it. */
const crossed = () => unpackConversion(structuredClone(packConversion(converted())));
const plain = (spans: SpanRecord[]) => spans.map((s) => (s instanceof PackedSpan ? s.toJSON() : s));

describe('packed spans (what crosses from a decoding thread)', () => {
  it('read back as the records they were packed from, with the rows those render', () => {
    const before = converted();
    const after = crossed();
    expect(before.batch.spans.some((s) => s.contexts.length > 0 && s.status === 'error')).toBe(true);
    expect(after.batch.spans.every((s) => s instanceof PackedSpan)).toBe(true);
    expect(plain(after.batch.spans)).toEqual(before.batch.spans);
    expect(JSON.parse(JSON.stringify(after.batch.spans))).toEqual(
      JSON.parse(JSON.stringify(before.batch.spans)),
    );
    expect(after.batch.spans.map(spanValues)).toEqual(before.batch.spans.map(renderSpan));
    expect(after.batch.spans.map(spanRow)).toEqual(before.batch.spans.map(spanRow));
    expect(spanValues(after.batch.spans[1]!)).toHaveLength(SPAN_COLUMNS.length);
    expect({ ...after, batch: { ...after.batch, spans: [] } }).toEqual({
      ...before,
      batch: { ...before.batch, spans: [] },
    });
  });

  it('give the signals the same turn as the records do', () => {
    const turn = (spans: SpanRecord[]) => {
      const p: PendingTrace = { projectId: 'p', traceId: 't', sessionId: 's', spanCount: 0, endMs: 0 };
      addSpans(p, spans);
      return p;
    };
    const packed = turn(crossed().batch.spans);
    expect(packed).toEqual(turn(converted().batch.spans));
    // The turn names the call whose input holds the user text (read from the store when compared).
    const calls = converted().batch.spans.filter((s) => s.model);
    const first = calls.find((s) => s.spanId === packed.first?.spanId)!;
    expect(calls.every((s) => s.startMs >= first.startMs)).toBe(true);
    expect(lastUserText(first.input)).toContain('ann@example.com');
  });

  it('a spread copy keeps no row: what it changed is what is stored (redaction)', () => {
    const redact = privacyTransform({ redact: ['pii'], content: true, signals: { enabled: true } } as never)!;
    const fromPacked = redact({ ...emptyBatch(), spans: crossed().batch.spans });
    const fromRecords = redact({ ...emptyBatch(), spans: converted().batch.spans });
    expect(fromPacked.spans.some((s) => s instanceof PackedSpan)).toBe(false);
    expect(fromPacked.spans.map(renderSpan)).toEqual(fromRecords.spans.map(renderSpan));
    const stored = fromPacked.spans.map(spanValues).join(' ');
    expect(stored).toContain('[pii.email]');
    expect(stored).not.toContain('ann@example.com');
    expect(fromPacked.spans[0]!.tags).toEqual({ segment: 'beta' });
    expect(PackedSpan.turnOf({ ...crossed().batch.spans[1]! })).toBeUndefined();
  });

  it('are stored as the records would be, resent ones skipped', async () => {
    const rows = async (spans: SpanRecord[]) => {
      const store = await openSqliteStore(':memory:');
      const writer = new SqliteTraceWriter(store.sqlite);
      const first = writer.write({ ...emptyBatch(), spans });
      const again = writer.write({ ...emptyBatch(), spans });
      const read = store.sqlite.prepare('select * from spans order by span_id').all();
      const traces = store.sqlite.prepare('select * from traces').all();
      await store.close();
      return { first, again, read, traces };
    };
    const packed = await rows(crossed().batch.spans);
    expect(packed.first.spans).toBe(3);
    expect(packed.again.spans).toBe(0);
    expect(packed).toEqual(await rows(converted().batch.spans));
  });
});
