import type { Dimension, Score } from '../api/review-types';

/** The values a dimension takes: every integer of its scale, or its labels. */
export function optionsOf(d: Dimension): Score[] {
  return 'scale' in d
    ? Array.from({ length: d.scale[1] - d.scale[0] + 1 }, (_, i) => d.scale[0] + i)
    : d.labels;
}

/**
 * The key that picks each value: the digit itself on a scale inside 0–9 (so `4` is 4), otherwise
 * the value's place, 1 to 9 and 0 for the tenth; values past the tenth have no key (click them).
 */
export function keysOf(d: Dimension): (string | undefined)[] {
  const options = optionsOf(d);
  if ('scale' in d && d.scale[0] >= 0 && d.scale[1] <= 9) return options.map(String);
  return options.map((_, i) => (i < 9 ? String(i + 1) : i === 9 ? '0' : undefined));
}

/** The value a key picks on a dimension, if any. */
export function valueForKey(d: Dimension, key: string): Score | undefined {
  const at = keysOf(d).indexOf(key);
  return at >= 0 ? optionsOf(d)[at] : undefined;
}

/** A rubric dimension's description and examples, as text. */
export function DimensionHelp({ dimension, id }: { dimension: Dimension; id: string }) {
  const examples = dimension.examples ?? [];
  if (!dimension.description && examples.length === 0) return null;
  return (
    <div className="dimension-help" id={id}>
      {dimension.description ? <p className="dimension-description">{dimension.description}</p> : null}
      {examples.length > 0 ? (
        <details className="dimension-examples">
          <summary>Examples ({examples.length})</summary>
          <ul>
            {examples.map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: examples keep the rubric's order.
              <li key={i}>{e}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

/**
 * One dimension to score: a group of radio buttons (arrow keys move inside it), each showing the key
 * that picks it when that is not the value itself. The active dimension is the one the digit keys score.
 */
export function ScoreField(props: {
  dimension: Dimension;
  index: number;
  value: Score | undefined;
  active: boolean;
  onPick(value: Score): void;
  onActivate(): void;
}) {
  const { dimension: d, index, value, active, onPick, onActivate } = props;
  const keys = keysOf(d);
  const helpId = `dim-help-${index}`;
  return (
    <fieldset
      className={`score-field${active ? ' score-active' : ''}${value === undefined ? '' : ' score-done'}`}
      aria-describedby={helpId}
      data-testid={`score-${d.name}`}
    >
      <legend>
        {d.name}
        {'scale' in d ? (
          <span className="muted small">
            {' '}
            ({d.scale[0]}–{d.scale[1]})
          </span>
        ) : null}
        {active ? <span className="score-now small"> · digits score this</span> : null}
      </legend>
      <DimensionHelp dimension={d} id={helpId} />
      <div className="score-options">
        {optionsOf(d).map((o, i) => (
          <label key={String(o)} className={`score-option${value === o ? ' score-picked' : ''}`}>
            <input
              type="radio"
              name={`score-${index}`}
              value={String(o)}
              checked={value === o}
              onChange={() => {
                onPick(o);
                onActivate();
              }}
              onFocus={onActivate}
            />
            {keys[i] !== undefined && keys[i] !== String(o) ? (
              <span className="score-key" aria-hidden="true">
                {keys[i]}
              </span>
            ) : null}
            <span className="score-value">{String(o)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
