/**
 * JSON text made safe inside `<script type="application/json">`: `<`, `>` and `&` cannot open a tag or
 * a comment (so `</script>` in an output cannot close the element), and U+2028/U+2029 are escaped for
 * any reader that treats the text as JavaScript. All of these occur only inside JSON strings, where
 * the `\u` escape means the same character.
 */
export function escapeJsonForHtml(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
