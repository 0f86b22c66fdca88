import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { AssayError } from '../core/errors.js';
import type { TraceStore } from '../core/trace-store.js';
import type { SessionStore } from '../core/web-session.js';
import { hashKey, KEY_PREFIX } from '../monitor/api-keys.js';
import type { Role } from './model.js';
import type { ReviewStore, StoredUser } from './store.js';

const SCRYPT = { N: 16384, r: 8, p: 1 };

/** `scrypt$N$r$p$salt$hash` (base64url): what is stored for a password. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function checkPassword(password: string, stored: string): boolean {
  const [kind, N, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const want = Buffer.from(hash, 'base64url');
  const got = scryptSync(password, Buffer.from(salt, 'base64url'), want.length, {
    N: Number(N),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(want, got);
}

/**
 * Adds a person to a project: returns their personal token (shown once; only its SHA-256 is stored)
 * and the sign-in path that turns it into a browser session.
 */
export async function addUser(
  reviews: ReviewStore,
  keys: TraceStore,
  opts: { name: string; role: Role; project?: string; password?: string },
): Promise<{ user: StoredUser; token: string; signInPath: string }> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(opts.name))
    throw new AssayError(
      'input.invalid',
      `user name "${opts.name}": use letters, digits, ".", "_", "@" or "-"`,
      {
        field: 'NAME',
      },
    );
  if (opts.role !== 'reviewer' && opts.role !== 'admin')
    throw new AssayError('input.invalid', `--role: expected reviewer or admin (got ${String(opts.role)})`, {
      field: '--role',
    });
  const project = await keys.ensureProject(opts.project ?? 'default');
  const same = (await reviews.listUsers(project.id)).find((u) => u.name === opts.name);
  if (same?.removedAt)
    throw new AssayError(
      'input.invalid',
      `user "${opts.name}" was removed from project ${project.name} on ${same.removedAt.slice(0, 10)} (their labels keep the name): add them under another name`,
      { field: 'NAME' },
    );
  if (same)
    throw new AssayError('input.invalid', `user "${opts.name}" exists already in project ${project.name}`, {
      field: 'NAME',
    });
  const token = `${KEY_PREFIX}u_${randomBytes(32).toString('base64url')}`;
  const user: StoredUser = {
    id: `usr_${randomBytes(8).toString('hex')}`,
    projectId: project.id,
    name: opts.name,
    role: opts.role,
    createdAt: new Date().toISOString(),
    tokenHash: hashKey(token),
    ...(opts.password ? { passwordHash: hashPassword(opts.password) } : {}),
  };
  await reviews.addUser(user);
  return { user, token, signInPath: `/login?token=${encodeURIComponent(token)}` };
}

/** The user a presented personal token belongs to. */
export async function userByToken(reviews: ReviewStore, token: string): Promise<StoredUser | undefined> {
  if (!token.startsWith(KEY_PREFIX)) return undefined;
  return reviews.userByTokenHash(hashKey(token));
}

/** What `assay users list` shows of a person: never a token or a hash. */
export interface UserListing {
  name: string;
  role: Role;
  project: string;
  createdAt: string;
  password: boolean;
  removedAt?: string;
}

/** The people of a project, removed ones included (marked), by name. */
export async function listUsers(
  reviews: ReviewStore,
  keys: Pick<TraceStore, 'projectByName'>,
  project = 'default',
): Promise<UserListing[]> {
  const p = await keys.projectByName(project);
  if (!p) return [];
  return (await reviews.listUsers(p.id)).map((u) => ({
    name: u.name,
    role: u.role,
    project,
    createdAt: u.createdAt,
    password: u.passwordHash !== undefined,
    ...(u.removedAt ? { removedAt: u.removedAt } : {}),
  }));
}

/**
 * Removes a person: their personal token and password stop working, every browser session of theirs
 * ends, and the items they hold a lease on go back to the pool; their labels stay (with their name)
 * in agreement, aggregates and exports.
 *
 * @example await removeUser(reviews, sessions, traces, { name: 'ana' }) // { user, sessions: 1, leases: 0 }
 */
export async function removeUser(
  reviews: ReviewStore,
  sessions: Pick<SessionStore, 'deleteFor'>,
  keys: Pick<TraceStore, 'projectByName'>,
  opts: { name: string; project?: string; now?: Date },
): Promise<{ user: StoredUser; sessions: number; leases: number }> {
  const project = opts.project ?? 'default';
  const p = await keys.projectByName(project);
  const user = p ? await reviews.userByName(p.id, opts.name) : undefined;
  if (!user)
    throw new AssayError(
      'input.invalid',
      `no user "${opts.name}" in project ${project} (see assay users list)`,
      {
        field: 'NAME',
      },
    );
  const { leases } = await reviews.removeUser(user.id, (opts.now ?? new Date()).toISOString());
  const ended = await sessions.deleteFor('user', user.id);
  return { user, sessions: ended, leases };
}
