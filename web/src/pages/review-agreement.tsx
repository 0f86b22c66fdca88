import type { AgreementJson, QueueJson, RaterRow } from '../api/review-types';
import { Section } from '../components/bits';
import { count, num, pct } from '../format';

/** Krippendorff's reading of α: ≥ 0.8 reliable, 0.667–0.8 tentative, below that fix the rubric. */
function reading(alpha: number | null): { word: string; tone: string } {
  if (alpha === null) return { word: 'too few ratings', tone: 'unscored' };
  if (alpha >= 0.8) return { word: 'reliable', tone: 'pass' };
  if (alpha >= 0.667) return { word: 'tentative', tone: 'changed' };
  return { word: 'low', tone: 'fail' };
}

/** α per dimension with its bootstrap interval, and Cohen's κ for every pair of raters. */
export function AgreementPanel({ queue, agreement }: { queue: QueueJson; agreement: AgreementJson }) {
  const dims = queue.dimensions.map((d) => d.name);
  return (
    <Section title="Agreement" id="agreement">
      <div className="table-wrap">
        <table className="data" data-testid="review-agreement">
          <caption>Krippendorff's α per dimension (95% bootstrap interval over items)</caption>
          <thead>
            <tr>
              <th scope="col">Dimension</th>
              <th scope="col">Level</th>
              <th scope="col" className="num">
                α
              </th>
              <th scope="col">95% interval</th>
              <th scope="col" className="num">
                Items
              </th>
              <th scope="col">Reading</th>
            </tr>
          </thead>
          <tbody>
            {dims.map((name) => {
              const a = agreement.dimensions[name];
              const r = reading(a?.alpha ?? null);
              return (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td>{a?.level ?? '–'}</td>
                  <td className="num">{num(a?.alpha, 3)}</td>
                  <td>{a?.interval ? `${num(a.interval[0])} to ${num(a.interval[1])}` : '–'}</td>
                  <td className="num">{count(a?.n ?? 0)}</td>
                  <td>
                    <span className={`badge badge-${r.tone}`}>{r.word}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {agreement.excluded.length > 0 ? (
        <p className="warn-text small">
          Left out as flagged by their trap accuracy: {agreement.excluded.join(', ')}.
        </p>
      ) : null}
      <div className="table-wrap">
        <table className="data" data-testid="review-pairs">
          <caption>
            Cohen's κ per pair of raters, on the items both rated (quadratic weights on scales)
          </caption>
          <thead>
            <tr>
              <th scope="col">Raters</th>
              <th scope="col" className="num">
                Items
              </th>
              {dims.map((d) => (
                <th key={d} scope="col" className="num">
                  κ {d}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {agreement.pairs.length === 0 ? (
              <tr>
                <td colSpan={2 + dims.length} className="muted">
                  No two raters share an item yet.
                </td>
              </tr>
            ) : null}
            {agreement.pairs.map((p) => (
              <tr key={p.raters.join('|')}>
                <td>{p.raters.join(' & ')}</td>
                <td className="num">{count(p.n)}</td>
                {dims.map((d) => (
                  <td key={d} className="num">
                    {num(p.kappa[d], 2)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

/** Each rater's work and trap accuracy; a flagged rater is named as such in words, not colour alone. */
export function RatersPanel({ queue, raters }: { queue: QueueJson; raters: RaterRow[] }) {
  const dims = queue.dimensions.map((d) => d.name);
  return (
    <Section title="Raters" id="raters">
      <div className="table-wrap">
        <table className="data" data-testid="review-raters">
          <caption className="sr-only">Raters of this queue</caption>
          <thead>
            <tr>
              <th scope="col">Rater</th>
              <th scope="col" className="num">
                Rated
              </th>
              <th scope="col" className="num">
                Skipped
              </th>
              <th scope="col" className="num">
                Traps
              </th>
              <th scope="col" className="num">
                Trap accuracy
              </th>
              {dims.map((d) => (
                <th key={d} scope="col" className="num">
                  on {d}
                </th>
              ))}
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {raters.length === 0 ? (
              <tr>
                <td colSpan={6 + dims.length} className="muted">
                  Nobody has rated yet.
                </td>
              </tr>
            ) : null}
            {raters.map((r) => (
              <tr key={r.user} className={r.flagged ? 'row-regressed' : undefined}>
                <th scope="row">{r.user}</th>
                <td className="num">{count(r.rated)}</td>
                <td className="num">{count(r.skipped)}</td>
                <td className="num">{count(r.traps ?? null)}</td>
                <td className="num">{pct(r.trapAccuracy ?? null, 0)}</td>
                {dims.map((d) => (
                  <td key={d} className="num">
                    {pct(r.byDimension?.[d] ?? null, 0)}
                  </td>
                ))}
                <td>
                  {r.flagged ? (
                    <span className="badge badge-fail">⚑ flagged, left out</span>
                  ) : (
                    <span className="badge badge-pass">ok</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        A rater under 70% trap accuracy over at least 10 traps (or all of the queue's traps when it has fewer)
        is flagged and left out of agreement and aggregates.
      </p>
    </Section>
  );
}
