import type { Command } from 'commander';

type Run = (body: () => Promise<number>) => Promise<void>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `assay dataset …`: hygiene of golden datasets (contamination, health, versions, diff, refresh). */
export function addDatasetCommands(program: Command, run: Run, dbOption: readonly [string, string]): void {
  const dataset = program
    .command('dataset')
    .description('golden dataset hygiene: contamination, health, versions, diff, refresh');
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
      'strata against targets, duplicates, missing expected, length outliers, stale cases, expected answers that human review labels contradict (exit 1 on problems)',
    )
    .option('-c, --config <file>', 'the suite whose strata: targets and evaluators apply')
    .option('--horizon <duration>', 'cases whose created field is older than this are stale (default 365d)')
    .option('--review-since <duration>', 'review labels given this long ago until now count (default 90d)')
    .option(
      '--review-queue <name...>',
      'review queues whose labels are read (default: all of the project)',
      collect,
    )
    .option(
      '--review-dimension <name>',
      "the rubric dimension that says correct (default: each queue's first)",
    )
    .option(
      '--review-pass <level>',
      'correct at or above this score (default: top quarter of the scale, 4 of 1-5), or these labels (good,acceptable)',
    )
    .option(
      '--max-review-disagreements <n>',
      'cases whose expected disagrees with review labels allowed before exit 1 (default 0)',
    )
    .option('--project <name>', 'the project of the review queues (default "default")')
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
  dataset
    .command('refresh')
    .description(
      'propose new golden cases from production traffic: stratified, uncovered inputs and failures first, PII masked',
    )
    .requiredOption('--to <file>', 'the proposals file (JSONL dataset rows, origin: production)')
    .option('--since <duration>', 'traffic of this long ago until now (default 90d)')
    .option('--percent <p>', 'propose this share of the golden set (default 15)')
    .option('--count <n>', 'propose this many cases (instead of --percent)')
    .option(
      '--stratify-by <path...>',
      'trace fields whose values are the strata (tags.segment, model)',
      collect,
    )
    .option('--golden <file>', "the golden set (default: the config's dataset)")
    .option('-c, --config <file>', 'the suite whose dataset and embedder apply (default ./assay.yaml)')
    .option('--project <name>', 'the project whose traffic is read (default "default")')
    .option('--input-var <name>', "the variable the input goes in (default: the golden set's text variable)")
    .option('--seed <n>', 'seed of the clustering (default 1)')
    .option('--json', 'print the summary as JSON')
    .option(...dbOption)
    .action((flags) =>
      run(async () => (await import('./dataset-refresh.js')).datasetRefreshCommand(flags, process.env)),
    );
}
