import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import type { CorrelationWindow, DriftReportJson, PredictorRow } from '../api/types';
import { Section } from '../components/bits';
import { IntervalChart } from '../components/interval-chart';
import { num } from '../format';
import { tracesOf, windowLabel } from './drift-query';

const RHO_RANGE: [number, number] = [-1, 1];
const interval = (lo: number | null, hi: number | null) =>
  lo === null || hi === null ? '–' : `[${num(lo)}, ${num(hi)}]`;

/** A window's verdict on its 95% interval against the threshold, in words and a shape. */
function CorrelationVerdictBadge({ window: c }: { window: CorrelationWindow }) {
  switch (c.verdict) {
    case 'below':
      return <span className="badge badge-fail">⚠ credibly under {c.threshold}</span>;
    case 'above':
      return <span className="badge badge-pass">✓ credibly at or over {c.threshold}</span>;
    case 'undecided':
      return (
        <span className="badge badge-no-significant-change">
          undecided: the interval straddles {c.threshold}
        </span>
      );
    default:
      return <span className="muted">insufficient data</span>;
  }
}

function CorrelationTable({ rows }: { rows: CorrelationWindow[] }) {
  return (
    <div className="table-wrap">
      <table className="data" data-testid="correlation-table">
        <caption>Rolling Spearman ρ, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Periods (UTC)</th>
            <th scope="col" className="num">
              Periods
            </th>
            <th scope="col" className="num">
              ρ
            </th>
            <th scope="col" className="num">
              95% interval
            </th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody>
          {[...rows].reverse().map((c) => (
            <tr key={`${c.segment ?? ''}${c.from}`} className={c.alert ? 'row-regressed' : undefined}>
              <td>
                <Link to={tracesOf(c.from, c.to)}>
                  {windowLabel(c.from)} → {windowLabel(c.to)}
                </Link>
                {c.segment ? <span className="mono"> {c.segment}</span> : null}
              </td>
              <td className="num">{c.n}</td>
              <td className="num">{num(c.rho)}</td>
              <td className="num">{interval(c.lo, c.hi)}</td>
              <td>
                <CorrelationVerdictBadge window={c} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Predictors({
  rows,
  online,
  alertBelow,
}: {
  rows: PredictorRow[];
  online: string;
  alertBelow: number;
}) {
  if (rows.length === 0) return null;
  const best = rows.find((r) => r.rho !== null);
  return (
    <>
      <h3>Which offline evaluators predict {online}</h3>
      <div className="table-wrap">
        <table className="data" data-testid="predictors">
          <thead>
            <tr>
              <th scope="col">Offline evaluator</th>
              <th scope="col" className="num">
                Periods
              </th>
              <th scope="col" className="num">
                Spearman ρ
              </th>
              <th scope="col" className="num">
                95% interval
              </th>
              <th scope="col">Verdict</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.offline}>
                <th scope="row" className="mono">
                  {r.offline}
                </th>
                <td className="num">{r.n}</td>
                <td className="num">{num(r.rho)}</td>
                <td className="num">{interval(r.lo, r.hi)}</td>
                <td>
                  {r.rho === null || r.lo === null || r.hi === null ? (
                    <span className="muted">too few periods or constant</span>
                  ) : r.lo >= alertBelow ? (
                    <span className="badge badge-pass">✓ predicts (interval over {alertBelow})</span>
                  ) : r.hi < alertBelow ? (
                    <span className="badge badge-fail">✗ does not predict (interval under {alertBelow})</span>
                  ) : (
                    <span className="badge badge-no-significant-change">undecided</span>
                  )}
                  {r === best ? <strong> best</strong> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/**
 * The offline↔online correlation: the rolling Spearman ρ between the offline metric of each
 * period's runs and the online metric of its traffic, its 95% interval as a band, the
 * `alertBelow` line, a table of the same numbers, and which offline evaluators best predict the
 * online metric. A point or a row leads to the traffic of its periods.
 */
export function CorrelationPanel({ data }: { data: DriftReportJson }) {
  const navigate = useNavigate();
  const settings = data.settings.correlation;
  const rows = data.correlation;
  const chart = useMemo(
    () => ({
      times: rows.map((c) => Date.parse(c.to)),
      estimate: rows.map((c) => c.rho),
      lo: rows.map((c) => c.lo),
      hi: rows.map((c) => c.hi),
    }),
    [rows],
  );
  if (!settings) {
    return (
      <Section title="Offline ↔ online correlation" id="correlation">
        <p className="muted">
          Not configured: add <code>correlation: {'{ offline: pass-rate, online: thumbs-up-rate }'}</code> to
          the <code>monitor:</code> section to check that offline scores still predict online satisfaction.
        </p>
      </Section>
    );
  }
  const segments = new Set(rows.map((r) => r.segment ?? ''));
  const latest = rows.at(-1);
  return (
    <Section title="Offline ↔ online correlation" id="correlation">
      <p className="small">
        Spearman's ρ between <code>{settings.offline}</code> of the runs of each period and{' '}
        <code>{settings.online}</code> of its traffic, over the last {settings.periods} periods, with its 95%
        interval (Fisher's z). When the whole interval is under {settings.alertBelow}, the offline metric no
        longer predicts the online one: an alert.
      </p>
      {latest ? (
        <p className={latest.alert ? 'banner banner-bad' : 'banner banner-ok'} role="status">
          Latest: {latest.message}
        </p>
      ) : (
        <p className="muted">
          Not enough periods yet: the correlation needs {settings.periods} periods that have both runs and
          online {settings.online}.
        </p>
      )}
      {rows.length && segments.size === 1 ? (
        <div data-testid="correlation-chart">
          <IntervalChart
            title={`Rolling Spearman ρ (${settings.offline} vs ${settings.online})`}
            label="ρ"
            times={chart.times}
            estimate={chart.estimate}
            lo={chart.lo}
            hi={chart.hi}
            threshold={settings.alertBelow}
            thresholdLabel={`alert below ${settings.alertBelow}`}
            range={RHO_RANGE}
            onPick={(i) => {
              const c = rows[i];
              if (c) navigate(tracesOf(c.from, c.to));
            }}
          />
        </div>
      ) : null}
      {rows.length ? <CorrelationTable rows={rows} /> : null}
      <Predictors rows={data.predictors} online={settings.online} alertBelow={settings.alertBelow} />
    </Section>
  );
}
