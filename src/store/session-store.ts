import type { Kysely, Selectable } from 'kysely';
import type { SessionStore, WebSession } from '../core/web-session.js';
import type { Database } from './schema.js';

const sessionOf = (r: Selectable<Database['web_sessions']>): WebSession => ({
  tokenHash: r.token_hash,
  principalKind: r.principal_kind as WebSession['principalKind'],
  principalId: r.principal_id,
  projectId: r.project_id,
  role: r.role as WebSession['role'],
  createdMs: Number(r.created_ms),
  expiresMs: Number(r.expires_ms),
});

/** The web app's sessions in the `web_sessions` table (migration 010_web_sessions), SQLite or PostgreSQL. */
export function kyselySessionStore(db: Kysely<Database>): SessionStore {
  return {
    async create(s) {
      await db
        .insertInto('web_sessions')
        .values({
          token_hash: s.tokenHash,
          principal_kind: s.principalKind,
          principal_id: s.principalId,
          project_id: s.projectId,
          role: s.role,
          created_ms: s.createdMs,
          expires_ms: s.expiresMs,
        })
        .execute();
    },
    async byHash(tokenHash, nowMs) {
      const r = await db
        .selectFrom('web_sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('expires_ms', '>', nowMs)
        .executeTakeFirst();
      return r ? sessionOf(r) : undefined;
    },
    async delete(tokenHash) {
      await db.deleteFrom('web_sessions').where('token_hash', '=', tokenHash).execute();
    },
    async deleteFor(kind, id) {
      const r = await db
        .deleteFrom('web_sessions')
        .where('principal_kind', '=', kind)
        .where('principal_id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async prune(nowMs) {
      const r = await db.deleteFrom('web_sessions').where('expires_ms', '<=', nowMs).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

/** Sessions in memory, for an app built without a database session store (library use, tests). */
export function memorySessionStore(): SessionStore {
  const all = new Map<string, WebSession>();
  const drop = (keep: (s: WebSession) => boolean) => {
    let n = 0;
    for (const [k, s] of all)
      if (!keep(s)) {
        all.delete(k);
        n++;
      }
    return n;
  };
  return {
    async create(s) {
      all.set(s.tokenHash, { ...s });
    },
    async byHash(tokenHash, nowMs) {
      const s = all.get(tokenHash);
      return s && s.expiresMs > nowMs ? { ...s } : undefined;
    },
    async delete(tokenHash) {
      all.delete(tokenHash);
    },
    async deleteFor(kind, id) {
      return drop((s) => !(s.principalKind === kind && s.principalId === id));
    },
    async prune(nowMs) {
      return drop((s) => s.expiresMs > nowMs);
    },
  };
}
