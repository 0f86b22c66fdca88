/**
 * A case is one example of a golden dataset: template variables plus the reserved fields below.
 * Every key of a dataset row that is not reserved becomes a template variable.
 */
export type Origin = 'production' | 'synthetic' | 'adversarial' | 'regression' | 'review';

export const ORIGINS: readonly Origin[] = ['production', 'synthetic', 'adversarial', 'regression', 'review'];

/** One user turn of a multi-turn scenario; `evaluators` score the assistant's reply at that turn. */
export interface Turn {
  user: string;
  evaluators?: unknown[];
}

export interface Case {
  /** Stable identifier: given in the row, or derived from the content hash. */
  id: string;
  /** Template variables (`question`, `context`, …). */
  vars: Record<string, unknown>;
  expected?: unknown;
  /** Documents the answer must be grounded in: ids, texts, or {id, text}. */
  sources?: unknown[];
  turns?: Turn[];
  /** Strata: `type`, `difficulty`, `edge`, `segment`, any other. */
  tags: Record<string, string>;
  origin?: Origin;
  /** A regression case: the run, case and target it was promoted from (`assay promote`). */
  promotedFrom?: PromotedFrom;
  /** A regression case: what the target answered when the case failed, kept for context only. */
  observed?: unknown;
  /** A case exported from a human-review queue (`assay review export`): where its labels came from. */
  reviewedFrom?: ReviewedFrom;
  /** Evaluators of this case alone, applied after the suite's (configs, built with the suite). */
  evaluators?: unknown[];
}

export interface PromotedFrom {
  runId: string;
  caseId: string;
  target: string;
  /** `name@version` of the dataset the case came from. */
  dataset?: string;
  promotedAt?: string;
}

export interface ReviewedFrom {
  queue: string;
  /** The review item. */
  item: string;
  /** How the raters' labels were combined (mean, median, majority, dawid-skene), or `consensus`. */
  aggregation?: string;
  /** Ratings that went into the labels. */
  ratings?: number;
  /** The eval result the item was made from. */
  runId?: string;
  caseId?: string;
  target?: string;
  /** The production trace the item was made from. */
  traceId?: string;
}

export const RESERVED_CASE_KEYS = [
  'id',
  'expected',
  'sources',
  'turns',
  'tags',
  'origin',
  'promotedFrom',
  'observed',
  'evaluators',
  'reviewedFrom',
] as const;

const scopes = new WeakMap<Case, Record<string, unknown>>();

/**
 * The variables a template sees for a case: its vars plus the reserved fields by name. Made once
 * per case and shared (templates only read it), since every target and evaluator renders from it.
 */
export function templateScope(c: Case): Record<string, unknown> {
  let scope = scopes.get(c);
  if (!scope) {
    scope = makeScope(c);
    scopes.set(c, scope);
  }
  return scope;
}

function makeScope(c: Case): Record<string, unknown> {
  return {
    ...c.vars,
    id: c.id,
    expected: c.expected,
    sources: c.sources,
    tags: c.tags,
    origin: c.origin,
    turns: c.turns,
  };
}
