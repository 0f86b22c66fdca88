// The review API's shapes (docs/review.md), from the server's own types where it has them.
import type { DimensionAgreement, PairAgreement } from '../../../src/review/agreement.js';
import type { Dimension, QueueSpec, Score, Scores } from '../../../src/review/model.js';

export type { Dimension, Score, Scores };

/** Queue-wide counts go to admins and keys only: a reviewer gets `mine` and `left`. */
export interface QueueProgress {
  items?: number;
  traps?: number;
  labels?: number;
  complete?: number;
  /** The signed-in person's items, rated or skipped. */
  mine?: number;
  /** Items still open to the signed-in person (traps counted like any other). */
  left?: number;
}

export interface QueueJson extends QueueSpec {
  id: string;
  createdAt: string;
  progress: QueueProgress;
}

/** What a rater receives: the same fields for every item, traps included. */
export interface RaterItem {
  id: string;
  input: unknown;
  output?: unknown;
  /** A pairwise item's two outputs, in this rater's order: the first is A, the second B. */
  outputs?: [unknown, unknown];
  contexts?: unknown[];
  reference?: unknown;
  /** Notes for the rater (a judge–human disagreement: the judge's score and reason, the human label). */
  metadata?: Record<string, unknown>;
}

export interface AgreementJson {
  dimensions: Record<string, DimensionAgreement>;
  pairs: PairAgreement[];
  excluded: string[];
}

/** An admin's row; a reviewer gets only `{ user, rated, skipped }` about themselves. */
export interface RaterRow {
  user: string;
  rated: number;
  skipped: number;
  traps?: number;
  trapAccuracy?: number | null;
  byDimension?: Record<string, number | null>;
  flagged?: boolean;
}

export interface CalibrationItem {
  item: RaterItem & { consensus?: Scores };
  disagreement: number;
  ratings: { user: string; scores?: Scores; comment?: string }[];
}

/** `GET /api/v1/session`: `user` when signed in as a person; an API key has none and may do everything. */
export interface Who {
  projectId: string;
  keyId: string;
  userId?: string;
  user?: { name: string; role: 'reviewer' | 'admin' };
}
