import { diffWordsWithSpace } from 'diff';

/** Expected vs output, word by word: removed words struck through, added words underlined. */
export function TextDiff({ expected, actual }: { expected: string; actual: string }) {
  // Very long texts: a word diff is quadratic at worst; show them side by side only.
  if (expected.length + actual.length > 40_000) return <p className="muted">Too long to diff.</p>;
  const parts = diffWordsWithSpace(expected, actual);
  return (
    <pre className="text diff">
      {parts.map((p, i) =>
        p.added ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts are a fixed sequence.
          <ins key={i}>{p.value}</ins>
        ) : p.removed ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts are a fixed sequence.
          <del key={i}>{p.value}</del>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts are a fixed sequence.
          <span key={i}>{p.value}</span>
        ),
      )}
    </pre>
  );
}
