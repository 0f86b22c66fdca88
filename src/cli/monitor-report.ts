import { parseDuration } from '../core/duration.js';
import { AssayError } from '../core/errors.js';
import { DEFAULT_ALPHA } from '../monitor/detect.js';
import { loadTraffic } from '../monitor/from-store.js';
import { runMonitor } from '../monitor/run-monitor.js';
import { segmentSeries } from '../monitor/segment-series.js';
import type { MonitoredTrace } from '../monitor/traffic.js';
import { writeMonitorHtmlReport } from '../report/html/write-monitor-html.js';
import { openMonitorStores } from '../store/open.js';
import { EXIT } from './exit-codes.js';
import { instant, monitorParts } from './monitor.js';

export interface MonitorReportFlags {
  config?: string;
  db?: string;
  since?: string;
  from?: string;
  to?: string;
  window?: string;
  html?: string;
}

/**
 * `assay monitor report --since 30d --html FILE`: the windows of the range computed from stored
 * traffic as `monitor run --once` computes them (drift, correlation, alerts; stored online scores
 * reused, no judge called, nothing recorded), written as one self-contained HTML file.
 */
export async function monitorReportCommand(
  flags: MonitorReportFlags,
  env: Record<string, string | undefined>,
): Promise<number> {
  if (!flags.html)
    throw new AssayError('usage', 'say where to write the report: --html FILE', { field: '--html' });
  const parts = await monitorParts(flags.config, env);
  const { config } = parts;
  const window = flags.window ? parseDuration(flags.window, { field: '--window' }) : config.drift.window;
  const to = flags.to ? instant(flags.to, '--to') : Math.floor(Date.now() / window) * window;
  const from = flags.from
    ? instant(flags.from, '--from')
    : to - parseDuration(flags.since ?? '30d', { field: '--since' });
  if (!(from < to)) throw new AssayError('usage', '--from must be before --to', { field: '--from' });
  const stores = await openMonitorStores(flags.db);
  try {
    const project = await stores.traces.projectByName(config.project);
    if (!project)
      throw new AssayError('usage', `no project "${config.project}" in this store`, {
        field: 'monitor.project',
      });
    let loaded: MonitoredTrace[] = [];
    const report = await runMonitor({
      config,
      from,
      to,
      window,
      traffic: async (a, b) => {
        loaded = await loadTraffic(stores.traces, project.id, a, b);
        return loaded;
      },
      embed: parts.embed,
      runs: await stores.runs.listRuns({ limit: 10_000 }),
    });
    await writeMonitorHtmlReport(flags.html, {
      report,
      series: segmentSeries(loaded, report.windows, config.segments),
      project: config.project,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      window,
      alpha: DEFAULT_ALPHA,
      ...(config.correlation ? { threshold: config.correlation.alertBelow } : {}),
    });
    process.stdout.write(
      `assay monitor: report of ${report.windows.length} windows, ${report.alerts.length} alerts written to ${flags.html}\n`,
    );
    return EXIT.ok;
  } finally {
    await stores.close();
  }
}
