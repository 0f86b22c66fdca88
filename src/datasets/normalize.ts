import { type Case, ORIGINS, type Origin, RESERVED_CASE_KEYS, type Turn } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import { contentHash } from '../util/hash.js';

const RESERVED = new Set<string>(RESERVED_CASE_KEYS);

export interface RowLocation {
  file: string;
  line: number;
}

function fail(at: RowLocation, message: string, field?: string): never {
  throw new AssayError('dataset.invalid', message, {
    file: at.file,
    line: at.line,
    ...(field ? { field } : {}),
  });
}

function scalarTag(value: unknown, at: RowLocation, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(at, `tag values must be strings, numbers or booleans, got ${describe(value)}`, field);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function normalizeTurns(value: unknown, at: RowLocation): Turn[] {
  if (!Array.isArray(value)) fail(at, `must be a list of {user: "..."}, got ${describe(value)}`, 'turns');
  return value.map((turn, i) => {
    const field = `turns[${i}]`;
    if (typeof turn === 'string') return { user: turn };
    if (turn === null || typeof turn !== 'object') fail(at, 'must be {user: "..."}', field);
    const t = turn as Record<string, unknown>;
    if (typeof t.user !== 'string') fail(at, 'needs a string "user"', `${field}.user`);
    if (t.evaluators !== undefined && !Array.isArray(t.evaluators)) {
      fail(at, 'must be a list', `${field}.evaluators`);
    }
    return t.evaluators ? { user: t.user, evaluators: t.evaluators as unknown[] } : { user: t.user };
  });
}

/**
 * Turns one parsed row into a Case: reserved keys are checked, everything else becomes a template
 * variable. A row without `id` gets one from its content hash, so it is stable across machines.
 */
export function normalizeRow(row: unknown, at: RowLocation): Case {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    fail(at, `a row must be an object, got ${describe(row)}`);
  }
  const r = row as Record<string, unknown>;
  const vars: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(r)) if (!RESERVED.has(key)) vars[key] = value;

  const tags: Record<string, string> = {};
  if (r.tags !== undefined && r.tags !== null) {
    if (typeof r.tags !== 'object' || Array.isArray(r.tags)) {
      fail(at, `must be an object of stratum → value, got ${describe(r.tags)}`, 'tags');
    }
    for (const [k, v] of Object.entries(r.tags)) {
      if (v === null || v === undefined || v === '') continue;
      tags[k] = scalarTag(v, at, `tags.${k}`);
    }
  }

  let origin: Origin | undefined;
  if (r.origin !== undefined && r.origin !== null && r.origin !== '') {
    if (!ORIGINS.includes(r.origin as Origin)) {
      fail(at, `must be one of ${ORIGINS.join(', ')}, got ${JSON.stringify(r.origin)}`, 'origin');
    }
    origin = r.origin as Origin;
  }

  if (r.sources !== undefined && r.sources !== null && !Array.isArray(r.sources)) {
    fail(at, `must be a list, got ${describe(r.sources)}`, 'sources');
  }

  let id: string;
  if (r.id === undefined || r.id === null || r.id === '') {
    // A case's own evaluators tell it apart from another with the same variables; without them the
    // hash is what it always was, so existing datasets keep their ids.
    const own = r.evaluators === undefined || r.evaluators === null ? {} : { evaluators: r.evaluators };
    id = contentHash({ vars, expected: r.expected, turns: r.turns, ...own }).slice(0, 12);
  } else if (typeof r.id === 'string' || typeof r.id === 'number') {
    id = String(r.id);
  } else {
    fail(at, `must be a string or a number, got ${describe(r.id)}`, 'id');
  }

  const c: Case = { id, vars, tags };
  if (r.expected !== undefined) c.expected = r.expected;
  if (Array.isArray(r.sources)) c.sources = r.sources;
  if (r.turns !== undefined && r.turns !== null) c.turns = normalizeTurns(r.turns, at);
  if (origin) c.origin = origin;
  if (r.promotedFrom !== undefined && r.promotedFrom !== null)
    c.promotedFrom = promotedFrom(r.promotedFrom, at);
  if (r.observed !== undefined && r.observed !== null) c.observed = r.observed;
  if (r.reviewedFrom !== undefined && r.reviewedFrom !== null)
    c.reviewedFrom = reviewedFrom(r.reviewedFrom, at);
  if (r.evaluators !== undefined && r.evaluators !== null) c.evaluators = caseEvaluators(r.evaluators, at);
  return c;
}

/** A case's own evaluators: each a config with a `type`, checked fully when the suite builds them. */
function caseEvaluators(value: unknown, at: RowLocation): unknown[] {
  if (!Array.isArray(value)) fail(at, `must be a list of evaluators, got ${describe(value)}`, 'evaluators');
  value.forEach((e, i) => {
    const type = (e as { type?: unknown } | null)?.type;
    if (e === null || typeof e !== 'object' || Array.isArray(e) || typeof type !== 'string' || !type)
      fail(at, 'must be an evaluator: {type: ..., ...options}', `evaluators[${i}]`);
  });
  return value;
}

/** `promotedFrom` links a regression case to the run it came from: it must say which run, case and target. */
function promotedFrom(value: unknown, at: RowLocation): NonNullable<Case['promotedFrom']> {
  const v = value as Record<string, unknown>;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(at, `must be {runId, caseId, target}, got ${describe(value)}`, 'promotedFrom');
  }
  for (const key of ['runId', 'caseId', 'target'] as const) {
    if (typeof v[key] !== 'string') fail(at, 'must be a string', `promotedFrom.${key}`);
  }
  return v as unknown as NonNullable<Case['promotedFrom']>;
}

/** `reviewedFrom` links an exported review label to its queue and item. */
function reviewedFrom(value: unknown, at: RowLocation): NonNullable<Case['reviewedFrom']> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(at, `must be {queue, item, …}, got ${describe(value)}`, 'reviewedFrom');
  }
  const v = value as Record<string, unknown>;
  for (const key of ['queue', 'item'] as const) {
    if (typeof v[key] !== 'string') fail(at, 'must be a string', `reviewedFrom.${key}`);
  }
  return v as unknown as NonNullable<Case['reviewedFrom']>;
}

/** Duplicate ids would make results ambiguous: refuse them, naming both lines. */
export function checkUniqueIds(cases: { c: Case; at: RowLocation }[]): void {
  const seen = new Map<string, number>();
  for (const { c, at } of cases) {
    const first = seen.get(c.id);
    if (first !== undefined)
      fail(at, `duplicate case id ${JSON.stringify(c.id)} (first on line ${first})`, 'id');
    seen.set(c.id, at.line);
  }
}
