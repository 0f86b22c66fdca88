import { Hono } from 'hono';
import { convertOtlp } from '../../monitor/otlp/convert.js';
import { encodeProtobufResponse, jsonResponse, type PartialSuccess } from '../../monitor/otlp/decode.js';
import { admit, readBody } from '../body.js';
import { type AppDeps, type AppEnv, DEFAULT_MAX_BODY_BYTES } from '../env.js';
import { HttpError } from '../http-error.js';

/**
 * `POST /v1/traces`: OTLP/HTTP, protobuf or JSON, gzip or not. Answers an `ExportTraceServiceResponse`
 * in the request's encoding once the spans are committed; refused spans are counted in `partialSuccess`.
 */
export function otlpRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const limit = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
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
    await admit(c, deps.queue, limit);
    let converted: Awaited<ReturnType<typeof convert>>;
    try {
      const body = await readBody(c, limit);
      converted = await convert({ body, protobuf, projectId: c.get('projectId'), nowMs: now() });
      await deps.queue.submit(deps.transform ? deps.transform(converted.batch) : converted.batch);
    } finally {
      deps.queue.leave();
    }
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
