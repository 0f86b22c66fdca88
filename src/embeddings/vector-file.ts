import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { VocabularyParts } from './vocabulary.js';

/** A word-vector table ready to use: row `r` of `vectors` belongs to the word of rank `r`. */
export interface VectorTable {
  dims: number;
  vocabulary: VocabularyParts;
  vectors: Float32Array;
}

const MAGIC = 'ASSAYWV2';

/**
 * The binary copy of a vector table: magic, u32 header length, header JSON, then the sorted word
 * blob, the word offsets (u32), the ranks (u32) and the vectors (f32), each 4-byte aligned so that
 * reading it back is one file read and typed-array views, no parsing. Native byte order: the copy
 * is a cache on one machine, never shipped.
 */
export async function writeVectorFile(file: string, t: VectorTable): Promise<void> {
  const { blob, offsets, ranks } = t.vocabulary;
  const sections = [
    blob,
    Buffer.from(offsets.buffer, offsets.byteOffset, offsets.byteLength),
    Buffer.from(ranks.buffer, ranks.byteOffset, ranks.byteLength),
    Buffer.from(t.vectors.buffer, t.vectors.byteOffset, t.vectors.byteLength),
  ];
  const header = Buffer.from(
    JSON.stringify({ dims: t.dims, size: ranks.length, lengths: sections.map((s) => s.length) }),
  );
  const head = Buffer.alloc(12);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(header.length, 8);
  const parts: Buffer[] = [head, header];
  let at = head.length + header.length;
  for (const s of sections) {
    const pad = (4 - (at % 4)) % 4;
    parts.push(Buffer.alloc(pad), s);
    at += pad + s.length;
  }
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, parts);
  // Rename is atomic: a reader sees the old file, no file, or the whole new one.
  await rename(tmp, file);
}

/** The table, or undefined when the file is missing, of another format, or truncated. */
export async function readVectorFile(file: string): Promise<VectorTable | undefined> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch {
    return undefined;
  }
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) return undefined;
  const headerLength = buf.readUInt32LE(8);
  let header: { dims: number; size: number; lengths: number[] };
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + headerLength));
  } catch {
    return undefined;
  }
  const views: Buffer[] = [];
  let at = 12 + headerLength;
  for (const length of header.lengths) {
    at += (4 - (at % 4)) % 4;
    if (at + length > buf.length) return undefined;
    views.push(buf.subarray(at, at + length));
    at += length;
  }
  const [blob, offsets, ranks, vectors] = views as [Buffer, Buffer, Buffer, Buffer];
  if (ranks.length !== header.size * 4 || vectors.length !== header.size * header.dims * 4) return undefined;
  return {
    dims: header.dims,
    vocabulary: { blob, offsets: u32(offsets), ranks: u32(ranks) },
    vectors: new Float32Array(aligned(vectors).buffer, aligned(vectors).byteOffset, vectors.length / 4),
  };
}

function u32(b: Buffer): Uint32Array {
  const a = aligned(b);
  return new Uint32Array(a.buffer, a.byteOffset, a.length / 4);
}

/** A large `readFile` buffer starts at offset 0, so views are aligned; copy in the rare other case. */
function aligned(b: Buffer): Buffer {
  if (b.byteOffset % 4 === 0) return b;
  const copy = Buffer.alloc(b.length);
  b.copy(copy);
  return copy;
}
