/** Matching of expected tool calls against the calls a model made: argument diffs and assignments. */

export type ArgumentMatch = 'exact' | 'subset';

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/**
 * The first difference between expected and actual arguments, or undefined when they match. In
 * `subset` mode an object may carry keys the expectation does not name, at any depth; lists must
 * have the same length and match element by element in both modes.
 */
export function argumentDiff(
  expected: unknown,
  actual: unknown,
  mode: ArgumentMatch,
  path = '',
): string | undefined {
  const at = path || 'arguments';
  if (isObject(expected)) {
    if (!isObject(actual)) return `${at}: expected an object, got ${show(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in actual)) return `${path ? `${path}.` : ''}${key} missing`;
      const d = argumentDiff(value, actual[key], mode, path ? `${path}.${key}` : key);
      if (d) return d;
    }
    if (mode === 'exact') {
      const extra = Object.keys(actual).find((k) => !(k in expected));
      if (extra !== undefined) return `${path ? `${path}.` : ''}${extra} not expected`;
    }
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return `${at}: expected ${show(expected)}, got ${show(actual)}`;
    }
    for (const [i, value] of expected.entries()) {
      const d = argumentDiff(value, actual[i], mode, `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(expected, actual) || expected === actual
    ? undefined
    : `${at}: expected ${show(expected)}, got ${show(actual)}`;
}

/**
 * The largest set of (expected, actual) pairs that match, each call used once. Ordered: pairs keep
 * the order of both lists (a longest common subsequence); unordered: a maximum bipartite matching.
 */
export function assignCalls(
  nExpected: number,
  nActual: number,
  ok: (e: number, a: number) => boolean,
  ordered: boolean,
): Map<number, number> {
  return ordered ? orderedAssignment(nExpected, nActual, ok) : bipartiteAssignment(nExpected, nActual, ok);
}

function orderedAssignment(n: number, m: number, ok: (e: number, a: number) => boolean): Map<number, number> {
  const best = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const take = ok(i - 1, j - 1) ? best[i - 1]![j - 1]! + 1 : 0;
      best[i]![j] = Math.max(take, best[i - 1]![j]!, best[i]![j - 1]!);
    }
  }
  const pairs = new Map<number, number>();
  for (let i = n, j = m; i > 0 && j > 0; ) {
    if (ok(i - 1, j - 1) && best[i]![j] === best[i - 1]![j - 1]! + 1) {
      pairs.set(i - 1, j - 1);
      i--;
      j--;
    } else if (best[i - 1]![j]! >= best[i]![j - 1]!) i--;
    else j--;
  }
  return pairs;
}

function bipartiteAssignment(
  n: number,
  m: number,
  ok: (e: number, a: number) => boolean,
): Map<number, number> {
  const owner = new Array<number>(m).fill(-1);
  const augment = (e: number, seen: boolean[]): boolean => {
    for (let a = 0; a < m; a++) {
      if (seen[a] || !ok(e, a)) continue;
      seen[a] = true;
      if (owner[a] === -1 || augment(owner[a]!, seen)) {
        owner[a] = e;
        return true;
      }
    }
    return false;
  };
  for (let e = 0; e < n; e++) augment(e, new Array<boolean>(m).fill(false));
  const pairs = new Map<number, number>();
  owner.forEach((e, a) => {
    if (e >= 0) pairs.set(e, a);
  });
  return pairs;
}
