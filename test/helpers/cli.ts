import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './build.js';

export const BIN = join(ROOT, 'bin', 'assay.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  /** Added to a clean environment (PATH and HOME only), so the developer's keys never leak in. */
  env?: Record<string, string>;
  /** Kill the child after this long (a hung CLI fails the test instead of the whole suite). */
  timeoutMs?: number;
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  done: Promise<CliResult>;
}

/** Starts `node bin/assay.js ...args` as a child process. */
export function spawnCli(args: string[], options: CliOptions): RunningCli {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NO_COLOR: '1',
    ...options.env,
  };
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Runs the CLI to the end. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return spawnCli(args, options).done;
}

/** The lines of stderr that report an error (progress lines are not errors). */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /error/i.test(l) && !/ \d+ errors? /.test(l));
}

/**
 * Waits for a spawned `assay serve` to print `assay: listening on URL`, and with `firstKey` (a new
 * store) also the first API key it prints on the lines after; the output may arrive in pieces.
 * Throws with the server's stderr when it exits first.
 */
export async function listeningOn(
  cli: RunningCli,
  firstKey: boolean,
): Promise<{ url: string; key: string | undefined }> {
  for (;;) {
    const out = cli.stdout();
    const url = /^assay: listening on (http:\/\/\S+)\n/.exec(out)?.[1];
    const key = /\n {2}(assay_\S+)\n/.exec(out)?.[1];
    if (url && (key || !firstKey)) return { url, key };
    if (cli.child.exitCode !== null) throw new Error(`serve exited: ${cli.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
