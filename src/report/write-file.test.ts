import { execFileSync, spawn } from 'node:child_process';
import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileStreaming, writeTextFile } from './write-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-write-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Reads a FIFO to its end in a child process (`cat`), as a CI step piping a report would. */
function readFifo(path: string): { text: Promise<string>; stop(): void } {
  const cat = spawn('cat', [path]);
  const text = new Promise<string>((resolve, reject) => {
    let out = '';
    cat.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    cat.on('error', reject);
    cat.on('close', () => resolve(out));
  });
  return { text, stop: () => cat.kill() };
}

describe('writeFileStreaming', () => {
  it('a regular file: replaced whole, no temporary file left, folders made', async () => {
    const file = join(dir, 'a/b/out.json');
    await writeTextFile(file, 'one');
    await writeFileStreaming(file, async (write) => {
      await write('two');
      await write('\n');
    });
    expect(readFileSync(file, 'utf8')).toBe('two\n');
    expect(readdirSync(join(dir, 'a/b'))).toEqual(['out.json']);
  });

  it('a failed write leaves the old file and no temporary file', async () => {
    const file = join(dir, 'out.json');
    writeFileSync(file, 'old');
    await expect(
      writeFileStreaming(file, async (write) => {
        await write('half');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['out.json']);
  });

  it('a symlink stays a symlink; its target gets the text', async () => {
    const target = join(dir, 'real.json');
    writeFileSync(target, 'old');
    const link = join(dir, 'link.json');
    symlinkSync(target, link);
    await writeTextFile(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(readdirSync(dir).sort()).toEqual(['link.json', 'real.json']);
  });

  it('a dangling symlink is written through, creating its target', async () => {
    const link = join(dir, 'link.json');
    symlinkSync(join(dir, 'later.json'), link);
    await writeTextFile(link, 'made');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'later.json'), 'utf8')).toBe('made');
  });

  it('a FIFO stays a FIFO, and its reader gets the text', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = readFifo(fifo);
    await writeTextFile(fifo, 'through the pipe\n');
    const stillFifo = lstatSync(fifo).isFIFO();
    // Replaced by a regular file, the pipe never gets a writer: stop its reader rather than hang.
    if (!stillFifo) reader.stop();
    expect(stillFifo).toBe(true);
    expect(await reader.text).toBe('through the pipe\n');
  });

  it('/dev/null stays a device', async () => {
    const before = statSync('/dev/null');
    await writeTextFile('/dev/null', 'nothing');
    const after = lstatSync('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.ino).toBe(before.ino);
  });

  it('a folder that cannot be made fails at once, naming it (no endless mkdir under /proc)', async () => {
    await expect(writeTextFile('/proc/assay-nope/deeper/out.json', 'x')).rejects.toThrow(
      /cannot write \/proc\/assay-nope\/deeper\/out\.json: cannot create the folder \/proc\/assay-nope/,
    );
    writeFileSync(join(dir, 'file'), '');
    await expect(writeTextFile(join(dir, 'file/out.json'), 'x')).rejects.toThrow(/file is not a folder/);
  });

  it('a folder as the output is refused', async () => {
    await expect(writeTextFile(dir, 'x')).rejects.toThrow(/it is a folder/);
  });
});
