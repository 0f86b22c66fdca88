import { startServer } from '../server/main.js';
import { EXIT } from './exit-codes.js';
import { boundHeapGrowth } from './memory-governor.js';

/** `assay serve`: runs until SIGTERM or SIGINT, then stops accepting, drains, commits and exits 0. */
export async function serveCommand(
  flags: {
    host?: string;
    port?: number;
    db?: string;
    queueSize?: number;
    threads?: number;
    config?: string;
  },
  env: Record<string, string | undefined> = {},
): Promise<number> {
  boundHeapGrowth();
  const monitor = flags.config
    ? await (await import('./monitor.js')).monitorParts(flags.config, env)
    : undefined;
  const ingest = flags.config
    ? await (await import('../config/load-ingest.js')).loadIngestConfig(flags.config)
    : undefined;
  // The rephrase signal's embedder, when the config names another than the local one.
  const spec = ingest?.signals?.embedder;
  const signalEmbedder =
    spec && spec !== 'local'
      ? await (await import('../embeddings/embedder.js')).createEmbedder(spec, env)
      : undefined;
  const server = await startServer({
    host: flags.host ?? '127.0.0.1',
    port: flags.port ?? 4318,
    ...(flags.db ? { db: flags.db } : {}),
    ...(flags.queueSize ? { queueCapacity: flags.queueSize } : {}),
    ...(flags.threads !== undefined ? { threads: flags.threads } : {}),
    ...(monitor ? { monitor } : {}),
    ...(ingest ? { ingest } : {}),
    ...(signalEmbedder ? { signalEmbedder } : {}),
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(`assay: ${signal}: finishing requests in flight and committing the queue\n`);
      server.close().then(resolve, (error) => {
        process.stderr.write(`assay: error while stopping: ${(error as Error).message}\n`);
        process.exitCode = EXIT.infrastructure;
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  process.stderr.write('assay: stopped\n');
  return (process.exitCode as number | undefined) ?? EXIT.ok;
}
