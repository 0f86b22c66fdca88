/** Rows per multi-row INSERT: well under both dialects' bound-parameter limits. */
export const CHUNK = 200;

/** `xs` in slices of `size`, for multi-row INSERTs and `IN` lists under the bound-parameter limits. */
export function chunks<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
