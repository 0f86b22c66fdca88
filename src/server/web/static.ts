import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { SECURITY_HEADERS } from './csp.js';

/** The built web app inside the package: `web/dist`, beside `dist/` and `src/`. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the web app: files of `web/dist` as they are (hashed assets cached for a year), and
 * `index.html` for every other page path so that shared URLs (`/runs/…?status=fail`) open. Never
 * answers under `/api/` or `/v1/`: those 404 as JSON from the API. Every response carries the CSP.
 */
export function webRoutes(options: { dir?: string } = {}): Hono {
  const dir = options.dir ?? DEFAULT_WEB_DIR;
  const app = new Hono();
  let index: Promise<Buffer> | undefined;
  const indexHtml = () => {
    index ??= readFile(join(dir, 'index.html'));
    index.catch(() => {
      index = undefined;
    });
    return index;
  };
  app.get('*', async (c, next) => {
    let path: string;
    try {
      path = decodeURIComponent(c.req.path);
    } catch {
      return c.text('bad path', 400);
    }
    if (path.startsWith('/api/') || path.startsWith('/v1/') || path === '/api' || path === '/v1')
      return next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
    const file = normalize(join(dir, path));
    if (path !== '/' && file.startsWith(dir + sep) && extname(file)) {
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile()) {
        c.header('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
        c.header(
          'Cache-Control',
          path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
        return c.body(new Uint8Array(await readFile(file)));
      }
      // A missing asset is a 404, not the page: a stale script URL must not get HTML.
      if (path.startsWith('/assets/')) return c.text('not found', 404);
    }
    if (!existsSync(join(dir, 'index.html')))
      return c.text(
        'The web app is not built: run `npm run build:web` (or install the published package).',
        503,
      );
    c.header('Content-Type', TYPES['.html']!);
    c.header('Cache-Control', 'no-cache');
    return c.body(new Uint8Array(await indexHtml()));
  });
  return app;
}
