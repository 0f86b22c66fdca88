import { type Kysely, type Selectable, sql } from 'kysely';
import type { Item, ItemHead, LabelRow, Queue, QueueSpec } from '../review/model.js';
import type { ReviewStore, StoredUser } from '../review/store.js';
import type { Database } from './schema.js';

type Row<T extends keyof Database> = Selectable<Database[T]>;

const userOf = (r: Row<'review_users'>): StoredUser => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  role: r.role as StoredUser['role'],
  createdAt: r.created_at,
  tokenHash: r.token_hash,
  ...(r.password_hash ? { passwordHash: r.password_hash } : {}),
  ...(r.removed_at ? { removedAt: r.removed_at } : {}),
});

const queueOf = (r: Row<'review_queues'>): Queue => ({
  ...(JSON.parse(r.spec) as QueueSpec),
  id: r.id,
  projectId: r.project_id,
  createdAt: r.created_at,
});

const headOf = (r: Omit<Row<'review_items'>, 'data' | 'created_ms'>): ItemHead => ({
  id: r.id,
  queueId: r.queue_id,
  seq: Number(r.seq),
  ...(r.gold ? { gold: JSON.parse(r.gold) } : {}),
  ...(r.created_by ? { createdBy: r.created_by } : {}),
  ...(r.consensus ? { consensus: JSON.parse(r.consensus) } : {}),
});

const itemOf = (r: Row<'review_items'>): Item => ({ ...JSON.parse(r.data), ...headOf(r) });

const labelOf = (r: Row<'review_labels'>): LabelRow => ({
  itemId: r.item_id,
  userId: r.user_id,
  queueId: r.queue_id,
  state: r.state as LabelRow['state'],
  leaseUntilMs: Number(r.lease_until_ms),
  ...(r.scores ? { scores: JSON.parse(r.scores) } : {}),
  ...(r.comment !== null && r.comment !== undefined ? { comment: r.comment } : {}),
  ...(r.reason !== null && r.reason !== undefined ? { reason: r.reason } : {}),
  updatedMs: Number(r.updated_ms),
});

/** The review tables of migration 006_review, on SQLite or PostgreSQL alike. */
export function kyselyReviewStore(db: Kysely<Database>): ReviewStore {
  return {
    async addUser(u) {
      await db
        .insertInto('review_users')
        .values({
          id: u.id,
          project_id: u.projectId,
          name: u.name,
          role: u.role,
          token_hash: u.tokenHash,
          password_hash: u.passwordHash ?? null,
          created_at: u.createdAt,
          removed_at: u.removedAt ?? null,
        })
        .execute();
    },
    async userByTokenHash(hash) {
      const r = await db
        .selectFrom('review_users')
        .selectAll()
        .where('token_hash', '=', hash)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      return r ? userOf(r) : undefined;
    },
    async userByName(projectId, name) {
      const r = await db
        .selectFrom('review_users')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      return r ? userOf(r) : undefined;
    },
    async userById(id) {
      const r = await db
        .selectFrom('review_users')
        .selectAll()
        .where('id', '=', id)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      return r ? userOf(r) : undefined;
    },
    async removeUser(id, removedAt) {
      return db.transaction().execute(async (trx) => {
        await trx.updateTable('review_users').set({ removed_at: removedAt }).where('id', '=', id).execute();
        const r = await trx
          .deleteFrom('review_labels')
          .where('user_id', '=', id)
          .where('state', '=', 'leased')
          .executeTakeFirst();
        return { leases: Number(r.numDeletedRows) };
      });
    },
    async listUsers(projectId) {
      const rows = await db
        .selectFrom('review_users')
        .selectAll()
        .where('project_id', '=', projectId)
        .orderBy('name')
        .execute();
      return rows.map(userOf);
    },
    async createQueue(q) {
      const { id, projectId, createdAt, ...spec } = q;
      await db
        .insertInto('review_queues')
        .values({
          id,
          project_id: projectId,
          name: q.name,
          spec: JSON.stringify(spec),
          created_at: createdAt,
        })
        .execute();
    },
    async queueByName(projectId, name) {
      const r = await db
        .selectFrom('review_queues')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .executeTakeFirst();
      return r ? queueOf(r) : undefined;
    },
    async queueById(id) {
      const r = await db.selectFrom('review_queues').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? queueOf(r) : undefined;
    },
    async listQueues(projectId) {
      const rows = await db
        .selectFrom('review_queues')
        .selectAll()
        .where('project_id', '=', projectId)
        .orderBy('name')
        .execute();
      return rows.map(queueOf);
    },
    async addItems(queueId, items, nowMs) {
      await db.transaction().execute(async (trx) => {
        const top = await trx
          .selectFrom('review_items')
          .select((eb) => eb.fn.max('seq').as('m'))
          .where('queue_id', '=', queueId)
          .executeTakeFirst();
        let seq = Number(top?.m ?? 0);
        for (let i = 0; i < items.length; i += 200) {
          await trx
            .insertInto('review_items')
            .values(
              items.slice(i, i + 200).map((it) => ({
                id: it.id,
                queue_id: queueId,
                seq: ++seq,
                data: JSON.stringify(it.content),
                gold: it.gold ? JSON.stringify(it.gold) : null,
                created_by: it.createdBy ?? null,
                created_ms: nowMs,
              })),
            )
            .execute();
        }
      });
    },
    async addItemsIfNew(queueId, items, nowMs) {
      return db.transaction().execute(async (trx) => {
        const taken = new Set<string>();
        for (let i = 0; i < items.length; i += 500) {
          const ids = items.slice(i, i + 500).map((it) => it.id);
          const rows = await trx.selectFrom('review_items').select('id').where('id', 'in', ids).execute();
          for (const r of rows) taken.add(r.id);
        }
        // Taken already, or given twice in this call: the first one counts.
        const fresh = items.filter((it) => {
          if (taken.has(it.id)) return false;
          taken.add(it.id);
          return true;
        });
        const top = await trx
          .selectFrom('review_items')
          .select((eb) => eb.fn.max('seq').as('m'))
          .where('queue_id', '=', queueId)
          .executeTakeFirst();
        let seq = Number(top?.m ?? 0);
        const added: string[] = [];
        for (let i = 0; i < fresh.length; i += 200) {
          // A concurrent writer may take an id between the check and the insert: nothing is doubled.
          const rows = await trx
            .insertInto('review_items')
            .values(
              fresh.slice(i, i + 200).map((it) => ({
                id: it.id,
                queue_id: queueId,
                seq: ++seq,
                data: JSON.stringify(it.content),
                gold: null,
                created_by: it.createdBy ?? null,
                created_ms: nowMs,
              })),
            )
            .onConflict((oc) => oc.column('id').doNothing())
            .returning('id')
            .execute();
          added.push(...rows.map((r) => r.id));
        }
        return added;
      });
    },
    async getItem(id) {
      const r = await db.selectFrom('review_items').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? itemOf(r) : undefined;
    },
    async listItems(queueId) {
      const rows = await db
        .selectFrom('review_items')
        .selectAll()
        .where('queue_id', '=', queueId)
        .orderBy('seq')
        .execute();
      return rows.map(itemOf);
    },
    async listItemHeads(queueId) {
      const rows = await db
        .selectFrom('review_items')
        .select(['id', 'queue_id', 'seq', 'gold', 'created_by', 'consensus'])
        .where('queue_id', '=', queueId)
        .orderBy('seq')
        .execute();
      return rows.map(headOf);
    },
    async setConsensus(itemId, consensus, asTrap) {
      await db
        .updateTable('review_items')
        .set({ consensus: JSON.stringify(consensus), ...(asTrap ? { gold: JSON.stringify(consensus) } : {}) })
        .where('id', '=', itemId)
        .execute();
    },
    async labelRows(queueId) {
      const rows = await db.selectFrom('review_labels').selectAll().where('queue_id', '=', queueId).execute();
      return rows.map(labelOf);
    },
    async itemLabelRows(itemId) {
      const rows = await db.selectFrom('review_labels').selectAll().where('item_id', '=', itemId).execute();
      return rows.map(labelOf);
    },
    async putLabelRow(l) {
      const values = {
        item_id: l.itemId,
        user_id: l.userId,
        queue_id: l.queueId,
        state: l.state,
        lease_until_ms: l.leaseUntilMs,
        scores: l.scores ? JSON.stringify(l.scores) : null,
        comment: l.comment ?? null,
        reason: l.reason ?? null,
        updated_ms: l.updatedMs,
      };
      const { item_id: _i, user_id: _u, ...rest } = values;
      await db
        .insertInto('review_labels')
        .values(values)
        .onConflict((oc) => oc.columns(['item_id', 'user_id']).doUpdateSet(rest))
        .execute();
    },
    async withQueueLock(queueId, work) {
      // Already inside a transaction (nested use): the lock is held.
      if (db.isTransaction) return work(this);
      return db.transaction().execute(async (trx) => {
        // A write to the queue's row first: on PostgreSQL it takes the row lock, which a second
        // caller waits on until this transaction commits (and then, in READ COMMITTED, reads what
        // it wrote); on SQLite it takes the database's write lock at once (busy_timeout waits),
        // so no snapshot read before it can go stale.
        await trx.updateTable('review_queues').set({ name: sql`name` }).where('id', '=', queueId).execute();
        return work(kyselyReviewStore(trx));
      });
    },
  };
}
