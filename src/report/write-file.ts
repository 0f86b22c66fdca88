import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { lstat, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { AssayError } from '../core/errors.js';
import { makeFolder } from '../util/make-folder.js';

export type Write = (text: string) => Promise<void>;

/**
 * Writes a file the user named (results JSON, HTML, JUnit, Markdown, a regression dataset, …)
 * through `body`, with back-pressure. Every output of Assay goes through here.
 *
 * - A regular file (or a new path) is written to a temporary name beside it and renamed at the end:
 *   a reader (a CI step, a browser) never sees half a report, and a failed write leaves nothing.
 * - Through a symlink, the rename happens at the link's target: the link stays a link.
 * - Anything else — `/dev/null`, `/dev/stdout`, a FIFO, a socket — is written in place: renaming
 *   over it would replace a device node or a pipe with a regular file.
 * - A folder that cannot be made fails at once, naming it (Node's recursive mkdir spins forever
 *   under `/proc`, so folders are made one level at a time).
 *
 * @example
 * await writeFileStreaming('out/report.md', (write) => write('# Report\n'));
 */
export async function writeFileStreaming(file: string, body: (write: Write) => Promise<void>): Promise<void> {
  const where = await placeOf(resolve(file));
  if (where.inPlace) return writeThrough(file, where.path, body);
  await makeFolder(dirname(where.path), file);
  const tmp = `${where.path}.${process.pid}.tmp`;
  const out = await openStream(tmp, file);
  try {
    await pump(out, body);
    await rename(tmp, where.path);
  } catch (error) {
    out.destroy();
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Writes a whole text, as {@link writeFileStreaming}. */
export function writeTextFile(file: string, text: string): Promise<void> {
  return writeFileStreaming(file, (write) => write(text));
}

interface Place {
  /** Where the bytes end up: the path itself, or the final target of a symlink to a regular file. */
  path: string;
  /** Not a regular file (a device, a pipe, a socket, a dangling link): open and write, no rename. */
  inPlace: boolean;
}

async function placeOf(path: string): Promise<Place> {
  const link = await lstat(path).catch(() => undefined);
  if (!link) return { path, inPlace: false };
  if (link.isDirectory()) throw new AssayError('file.write', `cannot write ${path}: it is a folder`);
  if (link.isFile()) return { path, inPlace: false };
  // A symlink (/dev/stdout → /proc/self/fd/1 → pipe:[…]) or a special file.
  const target = await stat(path).catch(() => undefined);
  if (!target?.isFile()) {
    if (target?.isDirectory()) throw new AssayError('file.write', `cannot write ${path}: it is a folder`);
    return { path, inPlace: true };
  }
  const real = await realpath(path).catch(() => undefined);
  // /dev/stdout redirected to a file: the shell holds that file open, so it must be written, not replaced.
  if (!real || /^\/(dev|proc)\//.test(path) || /^\/(dev|proc)\//.test(real)) return { path, inPlace: true };
  return { path: real, inPlace: false };
}

async function writeThrough(
  file: string,
  path: string,
  body: (write: Write) => Promise<void>,
): Promise<void> {
  const out = await openStream(path, file);
  try {
    await pump(out, body);
  } catch (error) {
    out.destroy();
    throw error;
  }
}

async function openStream(path: string, file: string): Promise<WriteStream> {
  const out = createWriteStream(path);
  await new Promise<void>((ok, fail) => {
    out.once('open', () => ok());
    out.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        new AssayError('file.write', `cannot write ${file}: ${error.code ?? error.message}`, {
          cause: error,
        }),
      ),
    );
  });
  return out;
}

async function pump(out: WriteStream, body: (write: Write) => Promise<void>): Promise<void> {
  let failed: Error | undefined;
  out.on('error', (error) => {
    failed = error;
  });
  const write: Write = async (text) => {
    if (failed) throw failed;
    if (!out.write(text)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    if (failed) throw failed;
  };
  await body(write);
  out.end();
  await once(out, 'finish');
}
