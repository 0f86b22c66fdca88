import type { IngestBatch } from '../../core/trace.js';
import { PackedSpan, renderSpan, type SpanTurn, type SpanValues } from '../../store/span-values.js';
import { spanTurn } from '../signals-pending.js';
import { decodeJsonRequest, decodeProtobufRequest } from './decode.js';
import { type OtlpConversion, otlpToBatch } from './to-batch.js';

/** What a conversion needs: the raw (inflated) body and whose it is. */
export interface ConvertJob {
  body: Uint8Array;
  protobuf: boolean;
  projectId: string;
  nowMs: number;
  /**
   * The body is the whole of an ArrayBuffer of its own, not used once converted (`readBody`'s): a
   * worker thread takes it over instead of a copy.
   */
  owned?: boolean;
}

/** Decodes an OTLP body and maps it to records: the CPU-heavy half of ingestion, run in a worker when one is there. */
export function convertOtlp(job: ConvertJob): OtlpConversion {
  const request = job.protobuf ? decodeProtobufRequest(job.body) : decodeJsonRequest(job.body);
  return otlpToBatch(request, job.projectId, job.nowMs);
}

/**
 * A conversion as it crosses from a decoding thread: each span as its rendered row and, with a
 * model, its turn (what the signals read), so the commit thread neither stringifies nor parses
 * messages. Arrays of primitives clone several times faster than the records they come from.
 */
export interface PackedConversion extends Omit<OtlpConversion, 'batch'> {
  rows: SpanValues[];
  turns: (SpanTurn | null)[];
  batch: Omit<IngestBatch, 'spans'>;
}

export function packConversion(c: OtlpConversion): PackedConversion {
  const { spans, ...rest } = c.batch;
  return {
    ...c,
    batch: rest,
    rows: spans.map(renderSpan),
    turns: spans.map((s) => (s.model === null || s.model === undefined ? null : spanTurn(s))),
  };
}

export function unpackConversion(p: PackedConversion): OtlpConversion {
  const { rows, turns, batch, ...rest } = p;
  return {
    ...rest,
    batch: { ...batch, spans: rows.map((r, i) => new PackedSpan(r, turns[i] ?? undefined)) },
  };
}
