import { createHash } from 'node:crypto';

/** An embedding: unit length (L2), so the cosine similarity of two vectors is their dot product. */
export type Vector = Float32Array;

/** A copy of `v` scaled to unit length; a zero vector stays zero (it has no direction). */
export function normalize(v: ArrayLike<number>): Vector {
  const out = Float32Array.from(v);
  let sum = 0;
  for (let i = 0; i < out.length; i++) sum += out[i]! * out[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

/**
 * Cosine similarity in -1..1. Both vectors are expected to be normalised already, so this is a dot
 * product; a zero vector (a text with no known word) gives 0.
 */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new RangeError(`cannot compare vectors of ${a.length} and ${b.length} dimensions`);
  }
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

export function isZero(v: ArrayLike<number>): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}

/**
 * The cache key of a text's vector: `emb:<model>:<sha256(text)>` (the text itself is not stored).
 * `model` is the embedder's id, which names the server when it is not the vendor's.
 */
export function vectorKey(model: string, text: string): string {
  return `emb:${model}:${createHash('sha256').update(text).digest('hex')}`;
}

/** Compact text form for storing a vector (base64 of its float32 bytes, little-endian). */
export function encodeVector(v: Vector): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

export function decodeVector(text: string): Vector {
  const bytes = Buffer.from(text, 'base64');
  // Copy into a fresh, aligned buffer: Buffer pools may start at an odd offset.
  const out = new Float32Array(bytes.length >> 2);
  new Uint8Array(out.buffer).set(bytes.subarray(0, out.length * 4));
  return out;
}
