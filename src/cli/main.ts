import { Command, InvalidArgumentError } from 'commander';
import { addDatasetCommands } from './dataset-commands.js';
import { EXIT, reportError } from './exit-codes.js';
import { addMonitorCommands } from './monitor-commands.js';
import { addProductionCommands } from './production-commands.js';
import { addReviewCommands } from './review-commands.js';
import { assayVersion } from './version.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0');
  return n;
}

function seed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}

const faultOptions = [
  [
    '--fault <spec>',
    'inject faults between Assay and HTTP-based targets: latency=2000@10%,error=500@5%,timeout@1%,reset@1%',
  ],
  ['--fault-seed <n>', 'seed of the fault draws (the same seed injects the same faults)'],
] as const;

/** Runs a command body; errors become one line on stderr and an exit code. */
async function run(body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

const dbOption = [
  '--db <file>',
  'the store: a SQLite file (default .assay/assay.db) or a postgres:// URL',
] as const;

/** The `assay` command line. Each command's module is loaded only when that command runs. */
export function buildProgram(): Command {
  const program = new Command('assay')
    .description('Evaluate LLM applications the way they are used in production.')
    .version(assayVersion(), '-V, --version')
    .configureOutput({ outputError: (text, write) => write(usageErrorLine(text)) })
    .exitOverride((err) => {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        process.exit(EXIT.ok);
      process.exit(EXIT.usage);
    });

  program
    .command('init')
    .description('write a starter suite (assay.yaml, a golden dataset, an app) in the current folder')
    .option('--force', 'overwrite existing files')
    .action((flags) => run(async () => (await import('./init.js')).initCommand(flags)));

  program
    .command('import')
    .description(
      "convert another tool's suite to an Assay config on stdout: import promptfoo promptfooconfig.yaml > assay.yaml",
    )
    .argument('<kind>', 'promptfoo')
    .argument('<file>', 'the suite to convert')
    .action((kind: string, file: string) =>
      run(async () => (await import('./import.js')).importCommand(kind, file)),
    );

  program
    .command('eval')
    .description('run a suite: dataset × targets × evaluators, stored, summarised and gated')
    .option('-c, --config <file>', 'the suite (default: assay.yaml in this folder)')
    .option('-o, --output <file>', 'write the results as JSON')
    .option('--concurrency <n>', 'cases in flight at once', positiveInt)
    .option('--no-cache', 'call the providers even for cached answers')
    .option(
      '--resume [run-id]',
      'finish an interrupted run (default: the latest unfinished run of this config)',
    )
    .option(...dbOption)
    .option('--filter-tag <key=value>', 'only cases with this tag (repeatable)', collect)
    .option('--description <text>', 'a note stored with the run')
    .option(
      '--project <name>',
      "the project the run is stored under (default: the config's project:, else default)",
    )
    .option(
      '--replay <run-id>',
      'replay the conversations of a stored run (simulated users included) as scripted turns',
    )
    .option(
      '--repeat <n>',
      'run each case n times (repeats bypass the cache) to measure flakiness',
      positiveInt,
    )
    .option('--sample <size>', 'a stratified subset: a count (50) or a percentage (10%)')
    .option(
      '--stratify-by <tags>',
      'tags whose combinations keep their proportions in --sample (type,difficulty)',
    )
    .option('--seed <n>', 'seed of --sample (the same seed picks the same cases)', positiveInt)
    .option(...faultOptions[0])
    .option(faultOptions[1][0], faultOptions[1][1], seed)
    .option('--html <file>', 'write the HTML report (one self-contained file)')
    .option('--junit <file>', 'write the results as JUnit XML')
    .option(
      '--markdown <file>',
      'write the Markdown summary (a PR comment; also added to $GITHUB_STEP_SUMMARY when set)',
    )
    .option(
      '--otlp-endpoint <url>',
      'export each scored output as an OpenTelemetry span (default: $OTEL_EXPORTER_OTLP_ENDPOINT)',
    )
    .option(
      '--workers',
      'enqueue the work for `assay worker`s on the PostgreSQL store instead of running it here',
    )
    .option(
      '--job-expiry <seconds>',
      'with --workers: hand a chunk out again this long after a worker took it',
      positiveInt,
    )
    .action((flags) => run(async () => (await import('./eval.js')).evalCommand(flags)));

  program
    .command('worker')
    .description('process queued evaluation work of any run (assay eval --workers) from a PostgreSQL store')
    .option(...dbOption)
    .option('--concurrency <n>', 'calls in flight at once in this worker (default 10)', positiveInt)
    .action((flags) => run(async () => (await import('./worker.js')).workerCommand(flags)));

  program
    .command('runs')
    .description('list stored runs, newest first')
    .option(...dbOption)
    .option('-n, --limit <n>', 'how many', positiveInt)
    .option('--json', 'as JSON')
    .action((flags) => run(async () => (await import('./runs.js')).runsCommand(flags)));

  program
    .command('show')
    .description('the summary and provenance of a stored run')
    .argument('<run-id>', 'a run id (or a unique prefix of one)')
    .option(...dbOption)
    .option('--json', 'the stored run as JSON')
    .option(
      '--failures',
      'the failure analysis: clusters, strata, evaluators, retrieval vs generation, worst failures',
    )
    .action((id, flags) => run(async () => (await import('./runs.js')).showCommand(id, flags)));

  program
    .command('load')
    .description('load-test one target: latency percentiles, throughput, errors by kind, SLOs')
    .option('-c, --config <file>', 'the suite (default: assay.yaml in this folder)')
    .option('--target <id>', 'the target to load (required when the suite has several)')
    .option('--rps <n>', 'open loop: start this many requests a second, whatever the latency', positiveNumber)
    .option(
      '--concurrency <n>',
      'closed loop: this many requests in flight, each sent when the last ends',
      positiveInt,
    )
    .option('--duration <time>', 'how long to send (60s, 2m, 500ms)', '60s')
    .option('--timeout <time>', 'a request with no answer after this long is a timeout (default: timeoutMs)')
    .option('--slo <spec>', 'objectives; exit 1 when one is broken (default p50<2000,p95<5000,errors<1%)')
    .option(...faultOptions[0])
    .option(faultOptions[1][0], faultOptions[1][1], seed)
    .option('--stream', 'stream answers (openai: targets) to measure the time to first token')
    .option('--filter-tag <key=value>', 'only cases with this tag (repeatable)', collect)
    .option('--json <file>', 'write the measurements as JSON')
    .action((flags) => run(async () => (await import('./load.js')).loadCommand(flags)));

  program
    .command('promote')
    .description('copy cases of a stored run into a regression dataset (JSONL), once each')
    .argument('<run-id>', 'a run id (or a unique prefix of one)')
    .option('--failed', 'the cases that failed (a judged failure on any target)')
    .option('--errors', 'the cases whose target call failed')
    .option('--case <id>', 'this case, whatever its outcome (repeatable)', collect)
    .requiredOption('--to <file>', 'the regression dataset to create or append to (.jsonl)')
    .option(...dbOption)
    .action((id, flags) => run(async () => (await import('./promote.js')).promoteCommand(id, flags)));

  program
    .command('calibrate')
    .description(
      "compare a run's judge scores with human labels (a file or a review queue): correlations, kappa, verdict",
    )
    .requiredOption('--run <id>', 'the run whose judge scores are calibrated')
    .option('--labels <file>', 'human labels, JSONL: {"caseId", "dimension"?, "score", "rater"?}')
    .option('--review <queue>', "or the aggregated labels of a review queue's items made from this run")
    .option('--project <name>', 'with --review: the project of the queue and run (default: default)')
    .option('--evaluator <score>', 'the judge score to calibrate, e.g. rubric.accuracy')
    .option('--json <file>', 'also write the calibration as JSON')
    .option(...dbOption)
    .action((flags) => run(async () => (await import('./calibrate.js')).calibrateCommand(flags)));

  program
    .command('compare')
    .description(
      'compare two runs (ids or results JSON files): paired tests per metric and stratum, a verdict',
    )
    .argument('<baseline>', 'the baseline run id or results JSON')
    .argument('<candidate>', 'the candidate run id or results JSON')
    .option(...dbOption)
    .option('--json <file>', 'write the comparison as JSON')
    .option('--markdown <file>', 'write the comparison as Markdown (a PR comment)')
    .option('--fail-on <what>', '"regression": exit 1 when any metric regresses significantly')
    .option('--alpha <p>', 'significance level after Holm adjustment (default 0.05)')
    .option('--allow-partial', 'compare the shared cases even when the runs share under half of them')
    .action((baseline, candidate, flags) =>
      run(async () => (await import('./compare.js')).compareCommand(baseline, candidate, flags)),
    );

  program
    .command('plan')
    .description('how many paired cases are needed to detect a change in pass rate')
    .requiredOption('--baseline-rate <p>', 'the current pass rate, e.g. 0.85')
    .requiredOption('--mde <d>', 'the smallest change worth detecting, e.g. 0.03')
    .option('--alpha <a>', 'two-sided significance level', '0.05')
    .option('--power <p>', 'probability of detecting the change', '0.8')
    .option('--discordance <p>', 'share of cases the two runs disagree on (default: as if independent)')
    .option('--family <rows>', 'rows compare will test (metrics × strata): size for Holm at α/rows')
    .action((flags) => run(async () => (await import('./plan.js')).planCommand(flags)));

  program
    .command('report')
    .description(
      'regenerate reports of a stored run (HTML, JUnit, Markdown, JSON); no file flag prints the Markdown',
    )
    .argument('<run-id>', 'a run id (or a unique prefix of one)')
    .option(
      '--html <file>',
      'the HTML report: one self-contained file with charts, every case and failure analysis',
    )
    .option('--junit <file>', 'JUnit XML, one testcase per case × target')
    .option(
      '--markdown <file>',
      'the Markdown summary (a PR comment; also added to $GITHUB_STEP_SUMMARY when set)',
    )
    .option('--json <file>', 'the results as JSON')
    .option('--baseline <run-id>', 'show pass-rate changes against this run in the Markdown')
    .option('--report-url <url>', 'where the HTML report is published, for links in the Markdown')
    .option('--embedder <spec>', 'cluster failures on embeddings (local, openai:<model>) instead of TF-IDF')
    .option(...dbOption)
    .action((id, flags) => run(async () => (await import('./report.js')).reportCommand(id, flags)));

  addProductionCommands(program, run, dbOption);
  addMonitorCommands(program, run, dbOption);
  addDatasetCommands(program, run, dbOption);
  addReviewCommands(program, run, dbOption);

  // After a usage error, a hint to the help rather than the help itself (36 lines for `eval`).
  addHelpHints(program);
  return program;
}

function addHelpHints(command: Command, path = 'assay'): void {
  command.showHelpAfterError(
    command.commands.length > 0
      ? `assay: hint: "${path} --help" lists the commands`
      : `assay: hint: "${path} --help" lists its options`,
  );
  for (const sub of command.commands) addHelpHints(sub, `${path} ${sub.name()}`);
}

/** Commander's `error: unknown option '--outptu'\n(Did you mean --output?)` as one line of Assay's. */
export function usageErrorLine(text: string): string {
  const [first, ...rest] = text.trim().split('\n');
  const more = rest
    .map((l) =>
      l
        .trim()
        .replace(/^\((.*)\)$/, '$1')
        .replace(/^Did/, 'did'),
    )
    .filter(Boolean);
  const message = first!.replace(/^error: /, '');
  return `assay: error: ${message}${more.length ? ` (${more.join('; ')})` : ''}\n`;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
