import { randomBytes } from 'node:crypto';
import { AssayError } from '../core/errors.js';
import { type AggregatedItem, aggregate } from './aggregate.js';
import { agreement } from './agreement.js';
import { labelRefusal, leftFor, pickNext } from './assign.js';
import {
  type Item,
  type ItemHead,
  type LabelRow,
  parseItems,
  parseQueueSpec,
  parseScores,
  type Queue,
} from './model.js';
import { swappedFor, unswapped } from './pairwise.js';
import { type RaterQuality, raterQuality } from './quality.js';
import type { ReviewStore, StoredUser } from './store.js';

/** Who is asking: a project, and the person when signed in as one (an API key acts as an admin without a name). */
export interface Actor {
  projectId: string;
  user?: StoredUser;
}

/** A refusal the HTTP edge maps to its status. */
export class ReviewError extends Error {
  constructor(
    readonly status: 403 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

const isAdmin = (a: Actor) => !a.user || a.user.role === 'admin';
const requireAdmin = (a: Actor) => {
  if (!isAdmin(a)) throw new ReviewError(403, 'this needs an admin (or an API key)');
};
const requireUser = (a: Actor): StoredUser => {
  if (!a.user)
    throw new ReviewError(403, 'rating needs a person: sign in, or send a user token from `assay users add`');
  return a.user;
};

/**
 * What a rater sees of an item, its `metadata` notes included: never its gold, its creator or its
 * source. A pairwise item's two outputs come in the order of that rater (`userId`); without one,
 * in the item's own order.
 */
export function raterView(item: Item, userId?: string) {
  const outputs =
    item.outputs && userId && swappedFor(item.id, userId) ? [item.outputs[1], item.outputs[0]] : item.outputs;
  return {
    id: item.id,
    input: item.input,
    output: item.output,
    ...(outputs ? { outputs } : {}),
    ...(item.contexts !== undefined ? { contexts: item.contexts } : {}),
    ...(item.reference !== undefined ? { reference: item.reference } : {}),
    ...(item.metadata !== undefined ? { metadata: item.metadata } : {}),
  };
}

/**
 * The review platform's operations, for the routes and the CLI. `now` is the clock of leases and
 * labels; `random` (uniform in [0, 1)) decides whether a trap comes next (`pickNext`): tests pass
 * seeded ones.
 */
export function reviewService(
  store: ReviewStore,
  now: () => number = Date.now,
  random: () => number = Math.random,
) {
  async function queueOf(actor: Actor, name: string): Promise<Queue> {
    const q = await store.queueByName(actor.projectId, name);
    if (!q) throw new ReviewError(404, `no review queue "${name}" in this project`);
    return q;
  }

  /** The items' heads are enough to count, check traps and measure agreement; content only to show or export. */
  const heads = (queueId: string) => store.listItemHeads(queueId);
  const whole = (queueId: string) => store.listItems(queueId);

  async function state<T extends ItemHead>(queue: Queue, read: (queueId: string) => Promise<T[]>) {
    const [items, rows, users] = await Promise.all([
      read(queue.id),
      store.labelRows(queue.id),
      store.listUsers(queue.projectId),
    ]);
    const names = new Map(users.map((u) => [u.id, u.name]));
    const quality = raterQuality(queue, items, rows);
    return { items, rows, quality, nameOf: (id: string) => names.get(id) ?? id };
  }

  /**
   * Labelled rows of regular (non-trap) items, flagged raters left out unless asked for, and only
   * those labelled at `sinceMs` or later when given (who is flagged is still judged on every trap).
   */
  function counted(
    s: { items: ItemHead[]; rows: LabelRow[]; quality: RaterQuality[] },
    includeFlagged: boolean,
    sinceMs = -Infinity,
  ) {
    const flagged = new Set(s.quality.filter((q) => q.flagged).map((q) => q.userId));
    const itemIds = s.items.filter((i) => !i.gold).map((i) => i.id);
    const ids = new Set(itemIds);
    const rows = s.rows.filter(
      (r) =>
        r.state === 'labelled' &&
        ids.has(r.itemId) &&
        r.updatedMs >= sinceMs &&
        (includeFlagged || !flagged.has(r.userId)),
    );
    return { itemIds, rows };
  }

  function progress(queue: Queue, items: ItemHead[], rows: LabelRow[]) {
    const regular = items.filter((i) => !i.gold);
    const done = new Map<string, number>();
    for (const r of rows) if (r.state === 'labelled') done.set(r.itemId, (done.get(r.itemId) ?? 0) + 1);
    return {
      items: regular.length,
      traps: items.length - regular.length,
      labels: rows.filter((r) => r.state === 'labelled').length,
      complete: regular.filter((i) => (done.get(i.id) ?? 0) >= queue.raters).length,
    };
  }

  /**
   * The queue's progress as the actor may see it: a signed-in person gets their own bar (what they
   * did, what is still open to them, traps counted like any item); admins and keys also get the
   * queue-wide counts. A reviewer does not: items, traps and completion over the whole queue would
   * let them work out which of the items still coming are traps.
   */
  function progressFor(actor: Actor, queue: Queue, items: ItemHead[], rows: LabelRow[]) {
    const user = actor.user;
    const own = user
      ? {
          mine: rows.filter((r) => r.userId === user.id && r.state !== 'leased').length,
          left: leftFor({ queue, items, rows, userId: user.id, nowMs: now() }),
        }
      : {};
    return isAdmin(actor) ? { ...progress(queue, items, rows), ...own } : own;
  }

  function queueJson(q: Queue) {
    const { projectId: _p, ...rest } = q;
    return rest;
  }

  return {
    async createQueue(actor: Actor, body: unknown) {
      requireAdmin(actor);
      const spec = parseQueueSpec(body);
      if (await store.queueByName(actor.projectId, spec.name))
        throw new ReviewError(409, `review queue "${spec.name}" exists already`);
      const queue: Queue = {
        ...spec,
        id: `rq_${randomBytes(8).toString('hex')}`,
        projectId: actor.projectId,
        createdAt: new Date(now()).toISOString(),
      };
      await store.createQueue(queue);
      return queueJson(queue);
    },

    async listQueues(actor: Actor) {
      const queues = await store.listQueues(actor.projectId);
      return Promise.all(
        queues.map(async (q) => ({
          ...queueJson(q),
          progress: progressFor(actor, q, await store.listItemHeads(q.id), await store.labelRows(q.id)),
        })),
      );
    },

    async getQueue(actor: Actor, name: string) {
      const q = await queueOf(actor, name);
      const [items, rows] = await Promise.all([store.listItemHeads(q.id), store.labelRows(q.id)]);
      return { ...queueJson(q), progress: progressFor(actor, q, items, rows) };
    },

    async addItems(actor: Actor, name: string, body: unknown) {
      requireAdmin(actor);
      const q = await queueOf(actor, name);
      const parsed = parseItems(q, body);
      const items = parsed.map((p) => ({
        id: p.id ?? `itm_${randomBytes(8).toString('hex')}`,
        content: p.content,
        ...(p.gold && Object.keys(p.gold).length > 0 ? { gold: p.gold } : {}),
        ...(actor.user ? { createdBy: actor.user.id } : {}),
      }));
      const ids = new Set<string>();
      for (const it of items) {
        if (ids.has(it.id) || (await store.getItem(it.id)))
          throw new ReviewError(409, `item id "${it.id}" is taken already`);
        ids.add(it.id);
      }
      await store.addItems(q.id, items, now());
      return { added: items.length, traps: items.filter((i) => i.gold).length, ids: items.map((i) => i.id) };
    },

    /** The next item for the signed-in rater (leased to them), or undefined when nothing is left. */
    async next(actor: Actor, name: string) {
      const user = requireUser(actor);
      const q = await queueOf(actor, name);
      // Picking and leasing under the queue's lock: two calls at the same instant cannot both
      // see an item one short of k and both take it.
      const item = await store.withQueueLock(q.id, async (locked) => {
        const items = await locked.listItemHeads(q.id);
        const rows = await locked.labelRows(q.id);
        const nowMs = now();
        const picked = pickNext({
          queue: q,
          items,
          rows,
          userId: user.id,
          nowMs,
          random,
        });
        if (!picked) return undefined;
        await locked.putLabelRow({
          itemId: picked.id,
          userId: user.id,
          queueId: q.id,
          state: 'leased',
          leaseUntilMs: nowMs + q.leaseMinutes * 60_000,
          updatedMs: nowMs,
        });
        return locked.getItem(picked.id);
      });
      return item ? raterView(item, user.id) : undefined;
    },

    /**
     * A rater's label on an item (or a skip with a reason); posting again replaces it. Only a rater
     * the item was given to (`next`) may post, checked and written under the queue's lock as `next`
     * leases: otherwise 409 (assign.ts `labelRefusal`).
     */
    async label(actor: Actor, itemId: string, body: unknown) {
      const user = requireUser(actor);
      const item = await store.getItem(itemId);
      const q = item ? await store.queueById(item.queueId) : undefined;
      if (!item || !q || q.projectId !== actor.projectId)
        throw new ReviewError(404, `no review item "${itemId}"`);
      if (item.createdBy === user.id) throw new ReviewError(403, 'an item cannot be rated by its creator');
      const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      if (b.comment !== undefined && typeof b.comment !== 'string')
        throw new AssayError('input.invalid', 'comment: expected text', { field: 'comment' });
      const comment = typeof b.comment === 'string' ? { comment: b.comment.slice(0, 10_000) } : {};
      const skipping = b.skipped === true;
      const given = skipping ? undefined : parseScores(q, b.scores, 'scores');
      const write = (fields: Pick<LabelRow, 'state' | 'scores' | 'reason'>) =>
        store.withQueueLock(q.id, async (locked) => {
          const nowMs = now();
          const rows = await locked.itemLabelRows(itemId);
          const why = labelRefusal({ queue: q, item, rows, userId: user.id, nowMs, skipping });
          if (why) throw new ReviewError(409, why);
          await locked.putLabelRow({
            itemId,
            userId: user.id,
            queueId: q.id,
            leaseUntilMs: nowMs,
            updatedMs: nowMs,
            ...fields,
            ...comment,
          });
        });
      if (!given) {
        const reason =
          typeof b.reason === 'string' ? b.reason : typeof b.comment === 'string' ? b.comment : 'skipped';
        await write({ state: 'skipped', reason: reason.slice(0, 1000) });
        return { item: itemId, skipped: true };
      }
      // Stored in the item's own order: a rater who saw the pair swapped meant the other output.
      const scores = item.outputs && swappedFor(item.id, user.id) ? unswapped(q, given) : given;
      await write({ state: 'labelled', scores });
      return { item: itemId, scores: given };
    },

    async agreement(actor: Actor, name: string, includeFlagged = false) {
      // Reviewers see only their own work; agreement compares everyone's (issue 16).
      requireAdmin(actor);
      const q = await queueOf(actor, name);
      const s = await state(q, heads);
      const { itemIds, rows } = counted(s, includeFlagged);
      const a = agreement(q, itemIds, rows, s.nameOf);
      return {
        ...a,
        excluded: includeFlagged ? [] : s.quality.filter((r) => r.flagged).map((r) => s.nameOf(r.userId)),
      };
    },

    async raters(actor: Actor, name: string) {
      const q = await queueOf(actor, name);
      const s = await state(q, heads);
      if (!isAdmin(actor)) {
        // A reviewer sees their own counts only, traps folded in: a trap count that grows after one
        // answer would tell them which item was a trap.
        const me = s.quality.find((r) => r.userId === actor.user?.id);
        return me ? [{ user: s.nameOf(me.userId), rated: me.rated + me.traps, skipped: me.skipped }] : [];
      }
      return s.quality
        .map((r) => ({
          user: s.nameOf(r.userId),
          rated: r.rated,
          skipped: r.skipped,
          traps: r.traps,
          trapAccuracy: r.trapAccuracy,
          byDimension: r.byDimension,
          flagged: r.flagged,
        }))
        .sort((a, b) => a.user.localeCompare(b.user));
    },

    /**
     * Aggregated labels per item (an admin's consensus wins; flagged raters left out): what
     * `GET queues/{q}/export`, `assay review export` and `assay calibrate --review` read. With
     * `sinceMs`, only the ratings given (or last changed) since then go in: `assay dataset health`'s
     * recent labels.
     */
    async aggregated(
      actor: Actor,
      name: string,
      options: { sinceMs?: number } = {},
    ): Promise<{
      queue: Queue;
      items: (Item & { aggregate: AggregatedItem })[];
      /** The ratings that went into the aggregates (regular items, flagged raters left out). */
      rows: LabelRow[];
    }> {
      requireAdmin(actor);
      const q = await queueOf(actor, name);
      const s = await state(q, whole);
      const { itemIds, rows } = counted(s, false, options.sinceMs);
      const agg = new Map(aggregate(q, itemIds, rows).map((a) => [a.itemId, a]));
      const items = s.items
        .filter((i) => !i.gold)
        .map((i) => {
          const a = agg.get(i.id) ?? { itemId: i.id, scores: {}, n: 0 };
          return { ...i, aggregate: i.consensus ? { ...a, scores: { ...a.scores, ...i.consensus } } : a };
        });
      return { queue: q, items, rows };
    },

    /** Items ordered by disagreement (spread of their ratings), with every rating and comment. */
    async calibration(actor: Actor, name: string, limit = 20) {
      const q = await queueOf(actor, name);
      const s = await state(q, whole);
      const labelled = new Map<string, LabelRow[]>();
      for (const r of s.rows) {
        if (r.state !== 'labelled') continue;
        const list = labelled.get(r.itemId);
        if (list) list.push(r);
        else labelled.set(r.itemId, [r]);
      }
      const out = s.items
        .filter((i) => !i.gold)
        .map((i) => {
          const mine = labelled.get(i.id) ?? [];
          let spread = 0;
          for (const d of q.dimensions) {
            const vs = mine.map((r) => r.scores?.[d.name]).filter((v) => v !== undefined);
            if ('scale' in d) {
              const xs = vs as number[];
              if (xs.length > 1) spread += (Math.max(...xs) - Math.min(...xs)) / (d.scale[1] - d.scale[0]);
            } else if (vs.length > 1)
              spread += 1 - Math.max(...d.labels.map((l) => vs.filter((v) => v === l).length)) / vs.length;
          }
          return {
            item: { ...raterView(i), ...(i.consensus ? { consensus: i.consensus } : {}) },
            disagreement: spread,
            ratings: mine.map((r) => ({
              user: s.nameOf(r.userId),
              scores: r.scores,
              ...(r.comment ? { comment: r.comment } : {}),
            })),
          };
        })
        .filter((x) => x.ratings.length >= 2)
        .sort((a, b) => b.disagreement - a.disagreement)
        .slice(0, limit);
      return { items: out };
    },

    async consensus(actor: Actor, itemId: string, body: unknown) {
      requireAdmin(actor);
      const item = await store.getItem(itemId);
      const q = item ? await store.queueById(item.queueId) : undefined;
      if (!item || !q || q.projectId !== actor.projectId)
        throw new ReviewError(404, `no review item "${itemId}"`);
      const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      const scores = parseScores(q, b.scores, 'scores');
      await store.setConsensus(itemId, scores, b.trap === true);
      return { item: itemId, consensus: scores, trap: b.trap === true };
    },
  };
}

export type ReviewService = ReturnType<typeof reviewService>;
