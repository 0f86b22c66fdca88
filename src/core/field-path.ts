/**
 * A field's path as error messages and `AssayError.field` write it:
 * `['targets', 0, 'apiKey']` → `targets[0].apiKey`.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
