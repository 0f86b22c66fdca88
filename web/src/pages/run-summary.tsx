import type { GateOutcome, RunDetail } from '../api/types';
import { RateBar, Section, StatusBadge } from '../components/bits';
import { count, num, pct } from '../format';

export function GatesPanel({ gates }: { gates: GateOutcome[] }) {
  if (gates.length === 0) return null;
  return (
    <Section title="Gates" id="gates">
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Gate</th>
            <th scope="col">Outcome</th>
            <th scope="col" className="num">
              Actual
            </th>
            <th scope="col" className="num">
              Threshold
            </th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {gates.map((g) => (
            <tr key={g.gate}>
              <td className="mono">{g.gate}</td>
              <td>
                <StatusBadge status={g.pass ? 'pass' : 'fail'} />
              </td>
              <td className="num">{num(g.actual, 3)}</td>
              <td className="num">{num(g.threshold, 3)}</td>
              <td>{g.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

export function EvaluatorsPanel({ detail }: { detail: RunDetail }) {
  const rows = Object.values(detail.summary.byEvaluator);
  if (rows.length === 0) return null;
  return (
    <Section title="Evaluators" id="evaluators">
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Evaluator</th>
            <th scope="col">Passed</th>
            <th scope="col" className="num">
              Scored
            </th>
            <th scope="col" className="num">
              Errors
            </th>
            <th scope="col" className="num">
              Mean score
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => {
            const judged = e.count - e.errors;
            return (
              <tr key={e.evaluator}>
                <td className="mono">{e.evaluator}</td>
                <td>
                  <RateBar value={judged > 0 ? e.passed / judged : null} />
                </td>
                <td className="num">{count(e.count)}</td>
                <td className="num">{count(e.errors)}</td>
                <td className="num">{num(e.meanScore, 3)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Section>
  );
}

export function StrataPanel({ detail }: { detail: RunDetail }) {
  const tags = Object.entries(detail.summary.byTag);
  if (tags.length === 0) return null;
  return (
    <Section title="Pass rate by stratum" id="strata">
      <div className="strata">
        {tags.map(([key, values]) => (
          <table className="data" key={key}>
            <caption>{key}</caption>
            <thead>
              <tr>
                <th scope="col">{key}</th>
                <th scope="col">Pass rate [95% interval]</th>
                <th scope="col" className="num">
                  n
                </th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(values).map(([value, r]) => (
                <tr key={value}>
                  <td>{value}</td>
                  <td>
                    <RateBar value={r.passed + r.failed ? r.passRate : null} interval={r.interval} />
                  </td>
                  <td className="num">{count(r.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      </div>
    </Section>
  );
}

/** The judge's bias checks and its calibration against human labels, when the run used a judge. */
export function JudgePanel({ detail }: { detail: RunDetail }) {
  const bias = detail.judgeBias;
  const cals = detail.calibrations;
  if (!bias && cals.length === 0) return null;
  return (
    <Section title="Judge checks" id="judge">
      {bias ? (
        <>
          <h3>Bias checks</h3>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Judge score</th>
                <th scope="col" className="num">
                  Scored
                </th>
                <th scope="col" className="num">
                  Errors
                </th>
                <th scope="col">Position flips</th>
                <th scope="col">ρ(score, length)</th>
                <th scope="col">Judges agree</th>
              </tr>
            </thead>
            <tbody>
              {bias.scores.map((b) => (
                <tr key={b.score}>
                  <td className="mono">{b.score}</td>
                  <td className="num">{count(b.scored)}</td>
                  <td className="num">{count(b.errors)}</td>
                  <td>
                    {b.position
                      ? `${pct(b.position.share, 0)} (${b.position.inconsistent}/${b.position.pairs})`
                      : '–'}
                  </td>
                  <td>
                    {num(b.verbosity.rho)}
                    {b.verbosity.warn ? <span className="warn-text"> ! length bias</span> : null}
                  </td>
                  <td>{b.agreement ? `α ${num(b.agreement.alpha)}` : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {bias.warnings.length ? (
            <ul className="warnings">
              {bias.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          ) : (
            <p className="muted">No judge bias found by these checks.</p>
          )}
        </>
      ) : null}
      {cals.length ? (
        <>
          <h3>Calibration against human labels</h3>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Evaluator</th>
                <th scope="col" className="num">
                  n
                </th>
                <th scope="col">Spearman ρ [95%]</th>
                <th scope="col">Weighted κ</th>
                <th scope="col">Verdict</th>
              </tr>
            </thead>
            <tbody>
              {cals.map((c) => (
                <tr key={c.evaluator}>
                  <td className="mono">{c.evaluator}</td>
                  <td className="num">{count(c.n)}</td>
                  <td>
                    {c.spearman
                      ? `${num(c.spearman.value)} [${num(c.spearman.lo)}, ${num(c.spearman.hi)}]`
                      : '–'}
                  </td>
                  <td>{num(c.kappa)}</td>
                  <td>
                    <StatusBadge status={c.verdict === 'trusted' ? 'pass' : 'fail'} /> {c.verdict}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </Section>
  );
}
