import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export type Write = (text: string) => Promise<void>;

/**
 * Writes a file through `body`, with back-pressure, to a temporary name renamed at the end: a reader
 * (a CI step, a browser) never sees half a report, and a failed write leaves nothing behind.
 */
export async function writeFileStreaming(file: string, body: (write: Write) => Promise<void>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const out = createWriteStream(tmp);
  const write: Write = async (text) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  try {
    await body(write);
    out.end();
    await once(out, 'finish');
    await rename(tmp, file);
  } catch (error) {
    out.destroy();
    await rm(tmp, { force: true });
    throw error;
  }
}
