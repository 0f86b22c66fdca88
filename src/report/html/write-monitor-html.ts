import type { MonitorReport } from '../../monitor/run-monitor.js';
import type { SegmentSeries } from '../../monitor/segment-series.js';
import { writeFileStreaming } from '../write-file.js';
import { contentSecurityPolicy, loadAssets, MONITOR_REPORT_PARTS } from './assets.js';
import { escapeJsonForHtml } from './escape-json.js';
import { monitorPageHead } from './monitor-page.js';
import { DATA_OPEN, pageTail } from './template.js';

export interface MonitorHtmlInput {
  report: Pick<MonitorReport, 'windows' | 'correlation' | 'alerts' | 'predictors'>;
  series: SegmentSeries[];
  project: string;
  /** The range reported, ISO, and the window length in ms. */
  from: string;
  to: string;
  window: number;
  /** The correlation's `alertBelow`, when a correlation is configured. */
  threshold?: number;
  /** Per-window family-wise alpha of the drift tests. */
  alpha: number;
  /** When the report was made (default now); fixed in tests. */
  generatedAt?: string;
}

/**
 * Writes the monitoring report: one self-contained file in the run report's style (its shell, styles,
 * Chart.js and CSP; the data as escaped JSON, rendered as text by the client script): per-segment time
 * series with alert markers, the alerts, each drift test that fired with its examples, and the
 * offline↔online correlation with its interval and threshold.
 */
export async function writeMonitorHtmlReport(file: string, input: MonitorHtmlInput): Promise<void> {
  const assets = loadAssets(MONITOR_REPORT_PARTS);
  const csp = contentSecurityPolicy([assets.chartJs, assets.app], [assets.styles]);
  const { report } = input;
  const data = {
    format: 1,
    generatedAt: input.generatedAt ?? new Date().toISOString(),
    chartJs: assets.chartJsVersion,
    project: input.project,
    from: input.from,
    to: input.to,
    window: input.window,
    alpha: input.alpha,
    threshold: input.threshold ?? null,
    windows: report.windows.map((w) => ({
      from: w.from,
      to: w.to,
      status: w.status,
      traces: w.traces,
      tests: w.tests,
    })),
    series: input.series,
    alerts: report.alerts,
    correlation: report.correlation,
    predictors: report.predictors,
  };
  await writeFileStreaming(file, async (write) => {
    await write(monitorPageHead({ csp, styles: assets.styles }));
    await write(`${DATA_OPEN}${escapeJsonForHtml(JSON.stringify(data))}</script>\n`);
    await write(pageTail([assets.chartJs, assets.app]));
  });
}
