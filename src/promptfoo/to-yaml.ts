import { Document, isMap, isSeq, type Node } from 'yaml';
import type { ConvertedSuite } from './convert.js';

/**
 * The converted suite as assay.yaml text, each part under a comment saying what it came from and
 * how promptfoo's meaning is kept (`assay import promptfoo`).
 */
export function convertedToYaml(suite: ConvertedSuite, source: string): string {
  const doc = new Document(suite.config);
  doc.commentBefore = [
    ` Converted from ${source} by \`assay import promptfoo\`. Run it with: assay eval -c THIS_FILE`,
    ' Verdicts follow promptfoo: equals is exact (no trimming), starts-with does not skip leading spaces,',
    ' levenshtein passes at distance ≤ threshold (default 5), not-… assertions are `not` (or not-contains),',
    ' weights and thresholds become a `weighted` evaluator. Keys come from OPENAI_API_KEY / ANTHROPIC_API_KEY.',
  ].join('\n');
  for (const note of suite.notes) {
    const node = nodeAt(doc, note.path);
    if (node)
      node.commentBefore = note.text
        .split('\n')
        .map((l) => ` ${l}`)
        .join('\n');
  }
  return doc.toString({ lineWidth: 0 });
}

/** The node a comment goes on: a mapping's key, or a list's item. */
function nodeAt(doc: Document, path: (string | number)[]): Node | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === last);
    return (pair?.key as Node | undefined) ?? undefined;
  }
  if (isSeq(parent) && typeof last === 'number') return parent.items[last] as Node | undefined;
  return undefined;
}
