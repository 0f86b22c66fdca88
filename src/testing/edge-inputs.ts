/** A generated value that real inputs bring sooner or later. */
export interface EdgeInput {
  name: string;
  value: string;
}

/**
 * The values `checkTemplate` puts into each text variable in turn: empty and blank text, unicode
 * that breaks naive code (combining marks, right-to-left, emoji, a zero-width space), quotes and
 * backslashes, template syntax inside a value (which must come out as text, not be rendered), line
 * breaks, and a very long value (`longLength` characters, default 10 000).
 */
export function edgeInputs(longLength = 10_000): EdgeInput[] {
  const words = 'the quick brown fox jumps over the lazy dog ';
  return [
    { name: 'empty', value: '' },
    { name: 'blank', value: ' \t\n ' },
    { name: 'unicode', value: 'Ünïcödé e\u0301 日本語 עברית 🙂👍🏽 zero\u200bwidth' },
    { name: 'quotes', value: `"double" 'single' \`back\` \\ backslash \\" mixed` },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text is the point.
    { name: 'braces', value: '{{ question }} {% if x %}{% endif %} {# note #} {name} ${name} }} {' },
    { name: 'newlines', value: 'line one\nline two\r\n\n- a list item' },
    { name: 'long', value: words.repeat(Math.ceil(longLength / words.length)).slice(0, longLength) },
  ];
}
