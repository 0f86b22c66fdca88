import { Hono } from 'hono';
import { convertOtlp } from '../../monitor/otlp/convert.js';
import { encodeProtobufResponse, jsonResponse, type PartialSuccess } from '../../monitor/otlp/decode.js';
import type { AppDeps, AppEnv } from '../env.js';
import { HttpError } from '../http-error.js';
import { takeIn } from '../take-in.js';

/**
 * `POST /v1/traces`: OTLP/HTTP, protobuf or JSON, gzip or not. Answers an `ExportTraceServiceResponse`
 * in the request's encoding once the spans are committed; refused spans are counted in `partialSuccess`.
 */
export function otlpRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.now ?? Date.now;
  const convert = deps.convertOtlp ?? (async (job) => convertOtlp(job));
  app.post('/v1/traces', async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const protobuf = type === 'application/x-protobuf' || type === 'application/protobuf';
    if (!protobuf && type !== 'application/json')
      throw new HttpError(
        415,
        'unsupported',
        `Content-Type ${type || '(none)'}: send application/x-protobuf or application/json`,
      );
    // Admission before the body is read: an overloaded server spends nothing on it.
    const converted = await takeIn(c, deps, (body) =>
      convert({ body, protobuf, projectId: c.get('projectId'), nowMs: now(), owned: true }),
    );
    const partial: PartialSuccess | undefined =
      converted.rejected > 0
        ? { rejectedSpans: converted.rejected, errorMessage: converted.reasons.join('; ') }
        : undefined;
    if (protobuf) {
      return c.body(Buffer.from(encodeProtobufResponse(partial)), 200, {
        'content-type': 'application/x-protobuf',
      });
    }
    return c.json(jsonResponse(partial));
  });
  return app;
}
