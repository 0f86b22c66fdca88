import type { Item, ItemContent, ItemHead, LabelRow, Queue, Role, Scores, User } from './model.js';

/** A user with the hashes kept for sign-in (never leaves the server). */
export interface StoredUser extends User {
  tokenHash: string;
  passwordHash?: string;
  /** When `assay users remove` removed them: nothing of theirs signs in any more. */
  removedAt?: string;
}

/** Where review queues, items, labels and people are kept (SQLite or PostgreSQL: src/store/review-store.ts). */
export interface ReviewStore {
  addUser(user: StoredUser): Promise<void>;
  /** The lookups that sign people in find live people only: a removed person is no one. */
  userByTokenHash(hash: string): Promise<StoredUser | undefined>;
  userByName(projectId: string, name: string): Promise<StoredUser | undefined>;
  userById(id: string): Promise<StoredUser | undefined>;
  /** Everyone of the project, removed people too (with `removedAt`): their labels keep their names. */
  listUsers(projectId: string): Promise<StoredUser[]>;
  /**
   * Marks a person removed (their token and password stop working) and releases the items they hold
   * a lease on; their labels and skips stay. Returns how many leases were released.
   */
  removeUser(id: string, removedAt: string): Promise<{ leases: number }>;
  createQueue(queue: Queue): Promise<void>;
  queueByName(projectId: string, name: string): Promise<Queue | undefined>;
  queueById(id: string): Promise<Queue | undefined>;
  listQueues(projectId: string): Promise<Queue[]>;
  /** Adds items in one transaction; an id already taken fails the whole request. */
  addItems(
    queueId: string,
    items: { id: string; content: ItemContent; gold?: Scores; createdBy?: string }[],
    nowMs: number,
  ): Promise<void>;
  /**
   * Adds the items whose id is not taken yet (in any queue), in one transaction, and returns the ids
   * it added: sources with a stable id per item (a run's case, a trace) add each once, however often run.
   */
  addItemsIfNew(
    queueId: string,
    items: { id: string; content: ItemContent; createdBy?: string }[],
    nowMs: number,
  ): Promise<string[]>;
  getItem(id: string): Promise<Item | undefined>;
  listItems(queueId: string): Promise<Item[]>;
  /** The queue's items without their content (`listItems` reads and parses every input and output). */
  listItemHeads(queueId: string): Promise<ItemHead[]>;
  /** Records a calibration consensus; with `asTrap` it becomes the item's gold too (a trap from then on). */
  setConsensus(itemId: string, consensus: Scores, asTrap: boolean): Promise<void>;
  labelRows(queueId: string): Promise<LabelRow[]>;
  /** The rows of one item (every rater's). */
  itemLabelRows(itemId: string): Promise<LabelRow[]>;
  /** Inserts or replaces the row of (item, user). */
  putLabelRow(row: LabelRow): Promise<void>;
  /**
   * Runs `work` in one transaction that holds the queue's lock: calls for the same queue run one
   * after another (across processes and servers too), so reading the rows, picking an item and
   * leasing it (or checking a rater holds it and labelling it) is atomic. `work` must use the store
   * it is given.
   */
  withQueueLock<T>(queueId: string, work: (locked: ReviewStore) => Promise<T>): Promise<T>;
}

export type { Role };
