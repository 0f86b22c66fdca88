import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: DDL runs before the typed tables exist.
type AnyDb = Kysely<any>;

/** 006_review: people, review queues, their items and the labels (one row per item × rater). */
export async function createReviewTables(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('review_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('review_users_name_idx')
    .unique()
    .on('review_users')
    .columns(['project_id', 'name'])
    .execute();
  await db.schema
    .createTable('review_queues')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('review_queues_name_idx')
    .unique()
    .on('review_queues')
    .columns(['project_id', 'name'])
    .execute();
  await db.schema
    .createTable('review_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('queue_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('gold', 'text')
    .addColumn('consensus', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_ms', 'double precision', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('review_items_queue_idx')
    .on('review_items')
    .columns(['queue_id', 'seq'])
    .execute();
  await db.schema
    .createTable('review_labels')
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('queue_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('lease_until_ms', 'double precision', (c) => c.notNull())
    .addColumn('scores', 'text')
    .addColumn('comment', 'text')
    .addColumn('reason', 'text')
    .addColumn('updated_ms', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('review_labels_pk', ['item_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('review_labels_queue_idx')
    .on('review_labels')
    .columns(['queue_id', 'user_id'])
    .execute();
}
