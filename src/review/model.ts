import { AssayError } from '../core/errors.js';

/** A rubric dimension: a numeric scale [min, max] (ordinal by default, or interval), or categorical labels. */
export type Dimension =
  | {
      name: string;
      scale: [number, number];
      level?: 'ordinal' | 'interval';
      description?: string;
      examples?: string[];
    }
  | { name: string; labels: string[]; description?: string; examples?: string[] };

export type Aggregation = 'mean' | 'median' | 'majority' | 'dawid-skene';

export interface QueueSpec {
  name: string;
  dimensions: Dimension[];
  guidelines?: string;
  /** Raters per item (overlap). */
  raters: number;
  /** Share of trap items mixed into a rater's work. */
  trapRate: number;
  aggregation: Aggregation;
  /** Minutes a fetched item stays leased to its rater. */
  leaseMinutes: number;
}

export interface Queue extends QueueSpec {
  id: string;
  projectId: string;
  createdAt: string;
}

export type Score = number | string;
export type Scores = Record<string, Score>;

export interface ItemContent {
  input: unknown;
  /** The output to rate; absent on a pairwise item, which has `outputs`. */
  output: unknown;
  /** A pairwise item's two outputs [A, B]: each rater sees them in an order of their own (pairwise.ts). */
  outputs?: [unknown, unknown];
  contexts?: unknown[];
  reference?: unknown;
  /**
   * Notes shown to the rater beside the item, never gold: a judge–human disagreement's judge score,
   * reason and human label (from-disagreements.ts).
   */
  metadata?: Record<string, unknown>;
  /** Where it came from: trace, run, pairwise, disagreement, calibration. */
  source?: Record<string, unknown>;
}

/** An item without its content: what assignment, progress and trap accuracy need of it. */
export interface ItemHead {
  id: string;
  queueId: string;
  seq: number;
  gold?: Scores;
  /** Recorded by an admin in a calibration session. */
  consensus?: Scores;
  createdBy?: string;
}

export interface Item extends ItemContent, ItemHead {}

export type Role = 'reviewer' | 'admin';

export interface User {
  id: string;
  projectId: string;
  name: string;
  role: Role;
  createdAt: string;
}

/** One rater's row on an item: leased (working), labelled, or skipped. */
export interface LabelRow {
  itemId: string;
  userId: string;
  queueId: string;
  state: 'leased' | 'labelled' | 'skipped';
  leaseUntilMs: number;
  scores?: Scores;
  comment?: string;
  reason?: string;
  updatedMs: number;
}

const bad = (field: string, message: string): never => {
  throw new AssayError('input.invalid', `${field}: ${message}`, { field });
};

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body of `POST queues`, checked: one line naming the field on anything wrong. */
export function parseQueueSpec(body: unknown): QueueSpec {
  if (!isObj(body)) return bad('body', 'expected a JSON object');
  const name = body.name;
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name))
    bad('name', 'use letters, digits, ".", "_" or "-" (at most 64)');
  if (!Array.isArray(body.dimensions) || body.dimensions.length === 0)
    bad('dimensions', 'expected a non-empty array of { name, scale: [min, max] } or { name, labels: [...] }');
  const seen = new Set<string>();
  const dimensions = (body.dimensions as unknown[]).map((d, i): Dimension => {
    const f = `dimensions[${i}]`;
    if (!isObj(d) || typeof d.name !== 'string' || d.name === '') return bad(`${f}.name`, 'expected a name');
    if (seen.has(d.name)) bad(`${f}.name`, `"${d.name}" is given twice`);
    seen.add(d.name);
    const extra = {
      ...(typeof d.description === 'string' ? { description: d.description } : {}),
      ...(Array.isArray(d.examples) ? { examples: d.examples.map(String) } : {}),
    };
    if (Array.isArray(d.scale)) {
      const [min, max] = d.scale as unknown[];
      if (!Number.isInteger(min) || !Number.isInteger(max) || (min as number) >= (max as number))
        bad(`${f}.scale`, 'expected [min, max], integers with min < max');
      if (d.level !== undefined && d.level !== 'ordinal' && d.level !== 'interval')
        bad(`${f}.level`, 'expected "ordinal" or "interval"');
      return {
        name: d.name,
        scale: [min as number, max as number],
        ...(d.level ? { level: d.level as 'ordinal' | 'interval' } : {}),
        ...extra,
      };
    }
    if (Array.isArray(d.labels)) {
      const labels = d.labels as unknown[];
      if (
        labels.length < 2 ||
        labels.some((l) => typeof l !== 'string') ||
        new Set(labels).size !== labels.length
      )
        bad(`${f}.labels`, 'expected at least two distinct strings');
      return { name: d.name, labels: labels as string[], ...extra };
    }
    return bad(f, 'expected "scale": [min, max] or "labels": [...]');
  });
  const raters = body.raters ?? 2;
  if (!Number.isInteger(raters) || (raters as number) < 1 || (raters as number) > 50)
    bad('raters', 'expected an integer from 1 to 50');
  const trapRate = body.trapRate ?? 0.05;
  if (typeof trapRate !== 'number' || !(trapRate >= 0 && trapRate <= 1))
    bad('trapRate', 'expected a number in [0, 1]');
  const aggregation = body.aggregation ?? 'default';
  if (!['default', 'mean', 'median', 'majority', 'dawid-skene'].includes(aggregation as string))
    bad('aggregation', 'expected mean, median, majority or dawid-skene');
  const leaseMinutes = body.leaseMinutes ?? 30;
  if (typeof leaseMinutes !== 'number' || !(leaseMinutes > 0))
    bad('leaseMinutes', 'expected a positive number');
  if (body.guidelines !== undefined && typeof body.guidelines !== 'string')
    bad('guidelines', 'expected text');
  return {
    name: name as string,
    dimensions,
    ...(typeof body.guidelines === 'string' ? { guidelines: body.guidelines } : {}),
    raters: raters as number,
    trapRate: trapRate as number,
    aggregation: (aggregation === 'default' ? 'mean' : aggregation) as Aggregation,
    leaseMinutes: leaseMinutes as number,
  };
}

/** Checks one score against its dimension; returns an error message or undefined. */
export function checkScore(d: Dimension, v: unknown): string | undefined {
  if ('scale' in d) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < d.scale[0] || v > d.scale[1])
      return `expected an integer from ${d.scale[0]} to ${d.scale[1]}`;
    return undefined;
  }
  return typeof v === 'string' && d.labels.includes(v) ? undefined : `expected one of ${d.labels.join(', ')}`;
}

/** Checks a scores object against the queue's rubric; every dimension is required unless `partial`. */
export function parseScores(queue: QueueSpec, v: unknown, field: string, partial = false): Scores {
  if (!isObj(v)) return bad(field, 'expected an object of { dimension: value }');
  const out: Scores = {};
  for (const key of Object.keys(v))
    if (!queue.dimensions.some((d) => d.name === key))
      bad(`${field}.${key}`, 'not a dimension of this queue');
  for (const d of queue.dimensions) {
    if (v[d.name] === undefined) {
      if (!partial) bad(`${field}.${d.name}`, 'missing');
      continue;
    }
    const why = checkScore(d, v[d.name]);
    if (why) bad(`${field}.${d.name}`, why);
    out[d.name] = v[d.name] as Score;
  }
  return out;
}

/** `POST queues/{q}/items` items, checked. */
export function parseItems(
  queue: QueueSpec,
  body: unknown,
): { id?: string; content: ItemContent; gold?: Scores }[] {
  if (!isObj(body) || !Array.isArray(body.items) || body.items.length === 0)
    return bad('items', 'expected { items: [{ input, output, … }] }');
  if (body.items.length > 10_000) bad('items', 'at most 10,000 per request');
  return (body.items as unknown[]).map((it, i) => {
    const f = `items[${i}]`;
    if (!isObj(it)) return bad(f, 'expected an object');
    if (it.input === undefined) bad(`${f}.input`, 'missing');
    if (it.outputs !== undefined) {
      if (!Array.isArray(it.outputs) || it.outputs.length !== 2 || it.outputs.includes(undefined))
        bad(`${f}.outputs`, 'expected the two outputs of a pairwise item, [A, B]');
      if (it.output !== undefined)
        bad(`${f}.output`, 'give output, or outputs for a pairwise item, not both');
    } else if (it.output === undefined) bad(`${f}.output`, 'missing');
    if (it.id !== undefined && (typeof it.id !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(it.id)))
      bad(`${f}.id`, 'use letters, digits, ".", "_", ":" or "-" (at most 128)');
    if (it.contexts !== undefined && !Array.isArray(it.contexts)) bad(`${f}.contexts`, 'expected an array');
    if (it.metadata !== undefined && !isObj(it.metadata)) bad(`${f}.metadata`, 'expected an object');
    const content: ItemContent = {
      input: it.input,
      output: it.output,
      ...(Array.isArray(it.outputs) ? { outputs: it.outputs as [unknown, unknown] } : {}),
      ...(it.contexts !== undefined ? { contexts: it.contexts as unknown[] } : {}),
      ...(it.reference !== undefined ? { reference: it.reference } : {}),
      ...(isObj(it.metadata) ? { metadata: it.metadata } : {}),
      ...(isObj(it.source) ? { source: it.source } : {}),
    };
    return {
      ...(typeof it.id === 'string' ? { id: it.id } : {}),
      content,
      ...(it.gold !== undefined ? { gold: parseScores(queue, it.gold, `${f}.gold`, true) } : {}),
    };
  });
}

/**
 * Whether an item's source is one output of a run (`kind: "run"`, or a judge–human `disagreement`
 * on one): such items export with the case's variables and calibrate against the run's judge.
 */
export const isRunSource = (source: unknown): boolean => {
  const kind = (source as { kind?: unknown } | null | undefined)?.kind;
  return kind === 'run' || kind === 'disagreement';
};
