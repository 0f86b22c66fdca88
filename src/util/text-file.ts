import { readFile } from 'node:fs/promises';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a file's bytes as UTF-8 text, or says why they are not text (a NUL byte, or bytes that
 * are not UTF-8) — so a binary file named as a dataset or a config is refused in words, never
 * echoed as raw bytes in a parse error.
 */
export function decodeText(bytes: Uint8Array): { text: string } | { notText: string } {
  const nul = bytes.indexOf(0);
  if (nul !== -1) return { notText: `not a text file (a NUL byte at offset ${nul}): binary content?` };
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    return { notText: 'not UTF-8 text: binary content, or another encoding (save it as UTF-8)' };
  }
}

/** Reads a text file; a file that is not UTF-8 text throws `notText(why)`. */
export async function readTextFile(file: string, notText: (why: string) => Error): Promise<string> {
  const decoded = decodeText(await readFile(file));
  if ('notText' in decoded) throw notText(decoded.notText);
  return decoded.text;
}

/** Control characters (terminal escapes) and U+FFFD made visible: for printing untrusted text. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point.
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/g, '?');
}
