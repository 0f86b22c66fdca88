import type { Command } from 'commander';

type Run = (body: () => Promise<number>) => Promise<void>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `assay dataset …`: hygiene of golden datasets (contamination, health, versions, diff; refresh is not built yet). */
export function addDatasetCommands(program: Command, run: Run, dbOption: readonly [string, string]): void {
  const dataset = program
    .command('dataset')
    .description('golden dataset hygiene: contamination, health, versions, diff');
  dataset
    .command('contamination')
    .description(
      'find golden cases copied (verbatim or lightly edited) into prompts, few-shot or fine-tuning files',
    )
    .requiredOption('--golden <file>', 'the golden dataset')
    .option('--against <path...>', 'files or folders (recursive) to check against', collect)
    .option('--json <file>', 'write the report as JSON')
    .option('--no-embeddings', 'skip the embedding near-duplicate pass (n-gram overlap only)')
    .option(...dbOption)
    .action((flags) =>
      run(async () => (await import('./dataset-contamination.js')).datasetContaminationCommand(flags)),
    );
  dataset
    .command('health <file>')
    .description(
      'strata against targets, duplicates, missing expected, length outliers, stale cases (exit 1 on problems)',
    )
    .option('-c, --config <file>', 'the suite whose strata: targets and evaluators apply')
    .option('--horizon <duration>', 'cases whose created field is older than this are stale (default 365d)')
    .option('--json', 'print the report as JSON')
    .option(...dbOption)
    .action((file, flags) =>
      run(async () => (await import('./dataset-health.js')).datasetHealthCommand(file, flags, process.env)),
    );
  dataset
    .command('versions [name]')
    .description('stored dataset versions: date, cases, strata, and the runs that used each')
    .option(...dbOption)
    .option('--json', 'print the versions as JSON')
    .action((name, flags) =>
      run(async () => (await import('./dataset-versions.js')).datasetVersionsCommand(name, flags)),
    );
  dataset
    .command('diff <a> <b>')
    .description('cases added, removed and changed (field by field) between two versions or files')
    .option(...dbOption)
    .option('--json', 'print the diff as JSON')
    .action((a, b, flags) =>
      run(async () => (await import('./dataset-versions.js')).datasetDiffCommand(a, b, flags)),
    );
}
