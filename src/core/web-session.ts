/**
 * A signed-in browser session of the web app, as the store keeps it: the SHA-256 of the random token
 * in the cookie (never the token), who signed in, in which project and role, and until when. The
 * CSRF token is derived from the cookie's token, so nothing else secret is kept.
 */
export interface WebSession {
  tokenHash: string;
  /** An API key (`key`, its id) or a person from `assay users add` (`user`, their id). */
  principalKind: 'key' | 'user';
  principalId: string;
  projectId: string;
  /** `admin` for API keys and admin users, `reviewer` for reviewers (as it was at sign-in). */
  role: 'admin' | 'reviewer';
  createdMs: number;
  expiresMs: number;
}

/** Where sessions are kept: the database (`assay serve`, so they survive restarts and span instances). */
export interface SessionStore {
  create(session: WebSession): Promise<void>;
  /** The session with this token hash, unless it expired by `nowMs`. */
  byHash(tokenHash: string, nowMs: number): Promise<WebSession | undefined>;
  /** Ends one session (sign-out). */
  delete(tokenHash: string): Promise<void>;
  /** Ends every session of a key or person; returns how many there were. */
  deleteFor(kind: WebSession['principalKind'], id: string): Promise<number>;
  /** Removes the sessions expired by `nowMs`; returns how many. */
  prune(nowMs: number): Promise<number>;
}
