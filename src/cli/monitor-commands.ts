import type { Command } from 'commander';

type Run = (body: () => Promise<number>) => Promise<void>;

/** `assay monitor run --once`, `assay monitor report` and `assay alerts`: watching production traffic. */
export function addMonitorCommands(program: Command, run: Run, dbOption: readonly [string, string]): void {
  const monitor = program
    .command('monitor')
    .description('watch production traffic: sampling, online evaluators, drift, alerts');
  monitor
    .command('run')
    .description(
      'compute every window of stored traffic in a range: drift, online scores, correlation, alerts',
    )
    .option('--once', 'one pass over the range, then exit (for cron and CI)')
    .option(
      '-c, --config <file>',
      'the file with the monitor: section (default: assay.yaml here, else defaults)',
    )
    .option('--from <iso>', 'start of the first window (default: 30 windows before --to)')
    .option('--to <iso>', 'end of the last window (default: now, rounded down to a window)')
    .option('--window <duration>', 'window length: 1h, 1d (default: monitor.drift.window)')
    .option('--json <file>', 'write { windows, correlation, alerts } as JSON')
    .option('--fail-on-alert', 'exit 1 when any alert fired')
    .option(
      '--otlp-endpoint <url>',
      'export the new online scores as OpenTelemetry spans (default: $OTEL_EXPORTER_OTLP_ENDPOINT)',
    )
    .option(...dbOption)
    .action((flags) => run(async () => (await import('./monitor.js')).monitorRunCommand(flags, process.env)));
  monitor
    .command('report')
    .description(
      'a self-contained HTML report of a range: time series per segment, alerts, drift, correlation',
    )
    .option('--since <duration>', 'how far back from --to: 7d, 30d', '30d')
    .option('--from <iso>', 'start of the first window (instead of --since)')
    .option('--to <iso>', 'end of the last window (default: now, rounded down to a window)')
    .option('--window <duration>', 'window length: 1h, 1d (default: monitor.drift.window)')
    .option('--html <file>', 'where to write the report')
    .option(
      '-c, --config <file>',
      'the file with the monitor: section (default: assay.yaml here, else defaults)',
    )
    .option(...dbOption)
    .action((flags) =>
      run(async () => (await import('./monitor-report.js')).monitorReportCommand(flags, process.env)),
    );
  program
    .command('alerts')
    .description('the alerts the monitor recorded lately')
    .option('--since <duration>', 'how far back: 24h, 7d', '7d')
    .option('--project <name>', 'the project (default: default)')
    .option('--json', 'as JSON')
    .option(...dbOption)
    .action((flags) => run(async () => (await import('./monitor.js')).alertsCommand(flags)));
}
