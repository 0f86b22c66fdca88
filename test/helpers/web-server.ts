import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Store } from '../../src/core/store.js';
import type { TraceStore } from '../../src/core/trace-store.js';
import { webParts } from '../../src/server/web/mount.js';

/** Stores a live API key for project `default` and returns its token. */
export async function makeKey(store: TraceStore, project = 'default'): Promise<string> {
  const p = await store.ensureProject(project);
  const token = `assay_${randomBytes(32).toString('base64url')}`;
  await store.saveApiKey({
    id: `key_${randomBytes(6).toString('hex')}`,
    projectId: p.id,
    hash: createHash('sha256').update(token).digest('hex'),
    prefix: token.slice(0, 10),
    createdAt: new Date().toISOString(),
    revokedAt: null,
  });
  return token;
}

/**
 * The web app's parts on a real HTTP server on 127.0.0.1: sessions, an API-key check on `/api/*`
 * (the key's hash looked up in the store, as `assay serve` does), the runs API and the pages.
 */
export async function startWebServer(runs: Store, keys: TraceStore) {
  const app = new Hono();
  const parts = webParts({ runs, keys });
  parts.beforeAuth(app);
  app.use('/api/*', async (c, next) => {
    if (c.get('projectId' as never)) return next();
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const token = m?.[1] ?? c.req.header('x-api-key');
    const key = token ? await keys.apiKeyByHash(createHash('sha256').update(token).digest('hex')) : undefined;
    if (!key || key.revokedAt !== null)
      return c.json({ error: { code: 'unauthorized', message: 'an API key is required' } }, 401);
    return next();
  });
  parts.afterAuth(app);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
