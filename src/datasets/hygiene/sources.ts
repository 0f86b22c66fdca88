import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { AssayError } from '../../core/errors.js';
import { decodeText } from '../../util/text-file.js';
import { stringLeaves } from './words.js';

/** One line of a source the golden set is checked against (a prompt, a few-shot file, a JSONL row). */
export interface SourceLine {
  path: string;
  /** 1-based. */
  line: number;
  text: string;
}

const SKIP_FOLDERS = new Set(['.git', 'node_modules', '.assay']);
/** Files larger than this are skipped: the check is for prompts and example files, not corpora dumps. */
const MAX_BYTES = 50 * 1024 * 1024;

/**
 * Reads the sources a golden set is checked against: files, or folders walked recursively
 * (`.git`, `node_modules`, `.assay` and binary files skipped). A JSONL row (fine-tuning data) is
 * read as the strings it holds, so `\n` escapes and JSON punctuation never break a match.
 * `exclude` holds absolute paths never read (the golden file itself).
 */
export async function readSources(
  paths: readonly string[],
  exclude: readonly string[] = [],
): Promise<SourceLine[]> {
  const skip = new Set(exclude.map((p) => resolve(p)));
  const files: string[] = [];
  for (const p of paths) await collect(p, files, skip, true);
  const lines: SourceLine[] = [];
  for (const file of files) lines.push(...(await readSourceFile(file)));
  return lines;
}

async function collect(path: string, files: string[], skip: Set<string>, named: boolean): Promise<void> {
  if (skip.has(resolve(path))) return;
  const s = await stat(path).catch(() => undefined);
  if (!s) {
    if (named) throw new AssayError('usage', `${path}: no such file or folder`, { field: '--against' });
    return;
  }
  if (s.isDirectory()) {
    const entries = await readdir(path, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.isDirectory() && SKIP_FOLDERS.has(e.name)) continue;
      await collect(join(path, e.name), files, skip, false);
    }
  } else if (s.isFile() && s.size <= MAX_BYTES) files.push(path);
}

async function readSourceFile(path: string): Promise<SourceLine[]> {
  const decoded = decodeText(await readFile(path));
  if ('notText' in decoded) return [];
  const jsonl = ['.jsonl', '.ndjson'].includes(extname(path).toLowerCase());
  return decoded.text
    .split(/\r?\n/)
    .map((raw, i) => ({ path, line: i + 1, text: jsonl ? jsonlText(raw) : raw }));
}

function jsonlText(raw: string): string {
  try {
    return stringLeaves(JSON.parse(raw)).join('\n');
  } catch {
    return raw;
  }
}
