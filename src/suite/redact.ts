/** Names of variables that hold secrets whatever their length. */
const SECRET_NAME = /key|token|secret|pass|auth|cred/i;
/** Other values are redacted only when long enough not to match by accident ("1", "true"). */
const MIN_LENGTH = 8;

/**
 * Replaces the value of every `${VAR}` the config filled in with `${VAR}` again, in every string
 * inside `value`: provenance is stored and printed, and an API key given to a judge or put in a
 * URL must not ride along with it.
 */
export function redactSecrets<T>(value: T, secrets: Record<string, string>): T {
  const pairs = Object.entries(secrets)
    .filter(([name, v]) => v.length >= MIN_LENGTH || (SECRET_NAME.test(name) && v.length > 0))
    .sort(([, a], [, b]) => b.length - a.length);
  if (pairs.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let out = v;
      for (const [name, secret] of pairs) out = out.split(secret).join(`\${${name}}`);
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
