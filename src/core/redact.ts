/** What a redacted credential reads as. */
export const REDACTED = '***';

/** Query or `key=value` names that carry a credential, compared word by word (`X-Amz-Signature`, `apiKey`). */
const SECRET_WORDS = new Set([
  'key',
  'apikey',
  'token',
  'secret',
  'password',
  'passwd',
  'pass',
  'pwd',
  'sig',
  'signature',
  'auth',
  'credential',
  'credentials',
  'session',
  'sessionid',
  'jwt',
]);

// `?key=…`, `&access_token=…`, and libpq's `password=…` in a keyword connection string.
const PARAM = /(^|[?&;\s])([A-Za-z][\w.-]*)=([^&#\s"'<>]+)/g;
// `scheme://user:password@host`: the password goes, the user stays.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/:@]*):([^\s/@]+)@/gi;
// `Authorization: Bearer …` or `Basic …` echoed in a message.
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]+=*/g;

/** `${VAR}`, `{{ var }}`, `<key>`, `value`: a placeholder, not a credential (`--filter-tag expects key=value`). */
const PLACEHOLDER = /^(?:\$\{\w+\}|\{\{.*|<.*>|value|\.\.\.|…|\*+)[,.;:)]?$/;

function isSecretName(name: string): boolean {
  const words = name.split(/[-_.]|(?<=[a-z])(?=[A-Z])/).map((w) => w.toLowerCase());
  return words.some((w) => SECRET_WORDS.has(w)) || SECRET_WORDS.has(name.toLowerCase().replace(/[-_.]/g, ''));
}

/**
 * Removes credentials from text that is about to be stored or printed: secret query parameters
 * (`?key=`, `token`, `api_key`, `sig`, `password`, …), the password of `user:pass@` URLs (a
 * PostgreSQL `--db` among them), and `Bearer`/`Basic` values. The one redaction of Assay: error
 * messages, the store's error and reason fields, provenance and CLI lines all pass through it.
 *
 * @example
 * redactCredentials('GET https://h/v1?key=abc&q=1 failed'); // 'GET https://h/v1?key=***&q=1 failed'
 */
export function redactCredentials(text: string): string {
  if (!/[=@]|Bearer|Basic/.test(text)) return text;
  return text
    .replace(USERINFO, (_, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`)
    .replace(PARAM, (all, sep: string, name: string, value: string) =>
      isSecretName(name) && !PLACEHOLDER.test(value) ? `${sep}${name}=${REDACTED}` : all,
    )
    .replace(AUTH_SCHEME, (_, scheme: string) => `${scheme} ${REDACTED}`);
}

/** Names of variables that hold secrets whatever their length. */
const SECRET_NAME = /key|token|secret|pass|auth|cred/i;
/** Other values are redacted only when long enough not to match by accident ("1", "true"). */
const MIN_LENGTH = 8;

/**
 * Redacts every string inside `value`, however deep: credentials as {@link redactCredentials}
 * does, and the value of every `${VAR}` the config filled in put back as `${VAR}` (an API key
 * given to a judge or put in a URL must not ride along with the provenance).
 *
 * @example
 * redactSecrets({ url: 'https://h/x?v=sk-abcdef123' }, { KEY: 'sk-abcdef123' }); // { url: 'https://h/x?v=${KEY}' }
 */
export function redactSecrets<T>(value: T, secrets: Record<string, string> = {}): T {
  const pairs = Object.entries(secrets)
    .filter(([name, v]) => v.length >= MIN_LENGTH || (SECRET_NAME.test(name) && v.length > 0))
    .sort(([, a], [, b]) => b.length - a.length);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let out = v;
      for (const [name, secret] of pairs) out = out.split(secret).join(`\${${name}}`);
      return redactCredentials(out);
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
