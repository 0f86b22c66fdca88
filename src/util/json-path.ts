/** Reads `a.b.0.c` (or `a.b[0].c`) from a JSON value; undefined when any step is missing. */
export function getPath(value: unknown, path: string): unknown {
  if (path === '' || path === '$') return value;
  const steps = path
    .replace(/^\$\.?/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  let v = value;
  for (const step of steps) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[step];
  }
  return v;
}
