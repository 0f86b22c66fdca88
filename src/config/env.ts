import { AssayError } from '../core/errors.js';
import { formatPath } from '../core/field-path.js';

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` (and `${VAR:-default}`) in every string of a parsed config with the value from
 * `env`. A variable that is not set is an error naming the field, never an empty string.
 */
export function interpolateEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  file: string,
  path: (string | number)[] = [],
  lineOf?: (path: (string | number)[]) => number | undefined,
): unknown {
  if (typeof value === 'string') {
    return value.replace(VAR, (_, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      const line = lineOf?.(path);
      throw new AssayError('config.env', `environment variable ${name} is not set`, {
        file,
        field: formatPath(path),
        ...(line ? { line } : {}),
      });
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, file, [...path, i], lineOf));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env, file, [...path, k], lineOf)]),
    );
  }
  return value;
}

/**
 * The variables a config's strings name, with the values `env` gives them: what must never be
 * written back out (stored provenance, reports) in place of the `${VAR}` the user wrote.
 */
export function envValuesUsed(
  value: unknown,
  env: Record<string, string | undefined>,
  out: Record<string, string> = {},
): Record<string, string> {
  if (typeof value === 'string') {
    for (const [, name] of value.matchAll(VAR)) {
      const v = env[name!];
      if (v !== undefined && v !== '') out[name!] = v;
    }
  } else if (Array.isArray(value)) {
    for (const v of value) envValuesUsed(v, env, out);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) envValuesUsed(v, env, out);
  }
  return out;
}
