import { Command, InvalidArgumentError } from 'commander';
import { EXIT, reportError } from './exit-codes.js';
import { assayVersion } from './version.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

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
    .showHelpAfterError()
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
    .action((flags) => run(async () => (await import('./eval.js')).evalCommand(flags)));

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
    .action((id, flags) => run(async () => (await import('./runs.js')).showCommand(id, flags)));

  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
