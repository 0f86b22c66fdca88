import { AssayError } from '../core/errors.js';
import { createApiKey } from '../monitor/api-keys.js';
import { table } from '../report/table.js';
import { openTraceStore } from '../store/open.js';
import { EXIT } from './exit-codes.js';

/** `assay keys create --project NAME`: prints the new token once on stdout; only its hash is stored. */
export async function keysCreateCommand(flags: { project: string; db?: string }): Promise<number> {
  const store = await openTraceStore(flags.db);
  try {
    const { token, key, project } = await createApiKey(store, flags.project);
    process.stderr.write(
      `assay: created key ${key.id} for project "${project.name}"; it is shown once, store it now\n`,
    );
    process.stdout.write(`${token}\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** `assay keys list`: ids, projects, prefixes and states; never a token. */
export async function keysListCommand(flags: { db?: string; json?: boolean }): Promise<number> {
  const store = await openTraceStore(flags.db);
  try {
    const projects = new Map((await store.listProjects()).map((p) => [p.id, p.name]));
    const keys = (await store.listApiKeys()).map((k) => ({
      id: k.id,
      project: projects.get(k.projectId) ?? k.projectId,
      prefix: k.prefix,
      createdAt: k.createdAt,
      revokedAt: k.revokedAt,
    }));
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(keys, null, 2)}\n`);
      return EXIT.ok;
    }
    if (keys.length === 0) {
      process.stdout.write('No API keys yet. Create one with "assay keys create --project NAME".\n');
      return EXIT.ok;
    }
    const rows = keys.map((k) => [
      k.id,
      k.project,
      `${k.prefix}…`,
      k.createdAt.slice(0, 19),
      k.revokedAt ? `revoked ${k.revokedAt.slice(0, 19)}` : 'active',
    ]);
    process.stdout.write(
      `${table([['id', 'project', 'key', 'created (UTC)', 'state'], ...rows], ['l', 'l', 'l', 'l', 'l'])}\n`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** `assay keys revoke ID`: the key stops working at once, also on a running server. */
export async function keysRevokeCommand(id: string, flags: { db?: string }): Promise<number> {
  const store = await openTraceStore(flags.db);
  try {
    if (!(await store.revokeApiKey(id, new Date().toISOString())))
      throw new AssayError('usage', `no active API key ${id} (see "assay keys list")`);
    process.stdout.write(`revoked ${id}\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
