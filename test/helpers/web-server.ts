import { createApiKey } from '../../src/monitor/api-keys.js';
import { type RunningServer, type ServeOptions, startServer } from '../../src/server/main.js';

/**
 * The real `assay serve` on 127.0.0.1 and a free port, over a store file seeded beforehand; `key` is
 * the first API key it prints on an empty store. `options`: the rest of `assay serve`'s (a `monitor:` section…).
 */
export async function startAssayServe(
  db: string,
  options: Omit<ServeOptions, 'db' | 'port' | 'print'> = {},
): Promise<RunningServer & { key: string }> {
  const lines: string[] = [];
  const server = await startServer({ ...options, db, port: 0, print: (line) => lines.push(line) });
  const key = lines.map((l) => l.trim()).find((l) => l.startsWith('assay_'));
  if (!key) throw new Error(`assay serve printed no first key:\n${lines.join('\n')}`);
  return Object.assign(server, { key });
}

/** Another live key of project `default`. */
export async function makeKey(server: RunningServer): Promise<string> {
  return (await createApiKey(server.store, 'default')).token;
}
