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
