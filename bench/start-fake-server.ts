import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/**
 * Starts bench/fake-server.mjs in a process of its own, so its CPU is never counted as the
 * benchmarked process's; resolves once it prints the port it listens on.
 */
export async function startFakeServer(latencyMs = 0): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, [join(root, 'bench/fake-server.mjs')], {
    env: { ...process.env, LATENCY_MS: String(latencyMs) },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const port = await new Promise<number>((resolve) =>
    child.stdout.once('data', (d) => resolve(Number(String(d).trim()))),
  );
  return { port, stop: () => child.kill('SIGTERM') };
}
