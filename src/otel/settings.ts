import { AssayError } from '../core/errors.js';

export interface OtlpSettings {
  /** The traces URL. */
  url: string;
  headers: Record<string, string>;
}

/**
 * Where to export scores: `--otlp-endpoint`, else `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is),
 * else `OTEL_EXPORTER_OTLP_ENDPOINT`; a base URL gets `/v1/traces` appended, as the OpenTelemetry
 * SDKs do. Headers from `OTEL_EXPORTER_OTLP_HEADERS` (`key=value,key2=value2`, values URL-encoded).
 * Undefined when nothing asks for an export.
 *
 * @example
 * otlpSettings(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' });
 * // { url: 'http://localhost:4318/v1/traces', headers: {} }
 */
export function otlpSettings(
  flag: string | undefined,
  env: Record<string, string | undefined>,
): OtlpSettings | undefined {
  const tracesUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const [raw, source, base] = flag
    ? [flag, '--otlp-endpoint', true]
    : tracesUrl
      ? [tracesUrl, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', false]
      : env.OTEL_EXPORTER_OTLP_ENDPOINT
        ? [env.OTEL_EXPORTER_OTLP_ENDPOINT, 'OTEL_EXPORTER_OTLP_ENDPOINT', true]
        : [undefined, '', false];
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AssayError('usage', `${source}: not a URL (expected http://host:4318)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new AssayError(
      'usage',
      `${source}: an OTLP/HTTP endpoint is http:// or https://, not ${url.protocol}`,
    );
  if (base && !/\/v1\/traces\/?$/.test(url.pathname))
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return { url: url.toString(), headers: parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS ?? '') };
}

/** `api-key=abc,x-scope=a%20b` → `{ 'api-key': 'abc', 'x-scope': 'a b' }`. Values are never echoed. */
export function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, part] of text.split(',').entries()) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq).trim() : '';
    if (!key) throw new AssayError('usage', `OTEL_EXPORTER_OTLP_HEADERS: entry ${i + 1} is not key=value`);
    let value = part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not URL-encoded: taken as written.
    }
    out[key.toLowerCase()] = value;
  }
  return out;
}
