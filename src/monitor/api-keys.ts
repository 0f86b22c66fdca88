import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AssayError } from '../core/errors.js';
import { PROJECT_NAME } from '../core/run.js';
import type { ApiKeyRecord, Project } from '../core/trace.js';
import type { TraceStore } from '../core/trace-store.js';

/** Every key starts so, which makes a leaked one easy to find in code and logs (secret scanners). */
export const KEY_PREFIX = 'assay_';

/** SHA-256 of a token, in hex: what is stored. A token is 256 random bits, so no slow hash is needed. */
export function hashKey(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new token (shown once) and the record that stores only its hash. */
export function newApiKey(projectId: string, now = new Date()): { token: string; record: ApiKeyRecord } {
  const token = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return {
    token,
    record: {
      id: `key_${randomBytes(6).toString('hex')}`,
      projectId,
      hash: hashKey(token),
      prefix: token.slice(0, KEY_PREFIX.length + 4),
      createdAt: now.toISOString(),
      revokedAt: null,
    },
  };
}

/** Creates a key for a project (created too when missing). The token is returned once, never stored. */
export async function createApiKey(
  store: TraceStore,
  projectName: string,
): Promise<{ token: string; key: ApiKeyRecord; project: Project }> {
  if (!PROJECT_NAME.test(projectName))
    throw new AssayError(
      'input.invalid',
      `project name "${projectName}": use letters, digits, ".", "_" or "-" (at most 64)`,
      {
        field: '--project',
      },
    );
  const project = await store.ensureProject(projectName);
  const { token, record } = newApiKey(project.id);
  await store.saveApiKey(record);
  return { token, key: record, project };
}

/**
 * The first start on an empty store: creates project `default` and one key, so a newcomer is never
 * stuck without one. Returns the token to print once, or undefined when projects exist already.
 */
export async function bootstrapProject(store: TraceStore): Promise<string | undefined> {
  if ((await store.listProjects()).length > 0) return undefined;
  return (await createApiKey(store, 'default')).token;
}

/**
 * The key a presented token is, when it is a live one. Looked up by hash on every request, so keys
 * created or revoked while the server runs count at once; the hashes are compared in constant time.
 */
export async function authenticate(store: TraceStore, token: string): Promise<ApiKeyRecord | undefined> {
  if (!token.startsWith(KEY_PREFIX) || token.length > 200) return undefined;
  const hash = hashKey(token);
  const key = await store.apiKeyByHash(hash);
  if (!key || key.revokedAt !== null) return undefined;
  const a = Buffer.from(key.hash, 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b) ? key : undefined;
}
