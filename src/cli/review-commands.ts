import { type Command, InvalidArgumentError } from 'commander';

type Run = (body: () => Promise<number>) => Promise<void>;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

const projectOption = ['--project <name>', 'the project of the queue (default: default)'] as const;

/** `assay review …`: filling review queues from eval runs, and exporting their labels as a golden set. */
export function addReviewCommands(program: Command, run: Run, dbOption: readonly [string, string]): void {
  const review = program
    .command('review')
    .description('human review queues: add a run’s outputs, export the aggregated labels');
  review
    .command('add')
    .description(
      'add the outputs of a stored run (all, failed, paired, or where judge and humans disagree most), or the cases of a dataset file, to a review queue (each once)',
    )
    .requiredOption('--queue <name>', 'the review queue (created with POST /api/v1/review/queues)')
    .option('--run <id>', 'the run whose outputs are reviewed (an id or a unique prefix)')
    .option('--file <file>', 'a dataset file whose cases are reviewed (assay dataset refresh proposals)')
    .option('--failed', 'only the outputs an evaluator failed')
    .option(
      '--against <run>',
      'pairwise items: each output of --run (A) with the same case’s output of this run (B)',
    )
    .option(
      '--disagreements',
      'with --run: the outputs where the run’s judge and the humans (--labels or --review) disagree most',
    )
    .option('--labels <file>', 'the human labels of --disagreements (JSONL, as assay calibrate --labels)')
    .option('--review <queue>', 'the human labels of --disagreements: another review queue’s aggregates')
    .option('--evaluator <name>', 'with --disagreements: one judge score of the run (rubric.accuracy)')
    .option('--top <n>', 'with --disagreements: the largest gaps per judge score (default 50)', positiveInt)
    .option('--sample <size>', 'a stratified subset: a count (50) or a percentage (10%)')
    .option('--stratify-by <tags>', 'tags whose combinations keep their proportions in --sample (type)')
    .option('--seed <n>', 'seed of --sample (the same seed picks the same outputs)', positiveInt)
    .option(...projectOption)
    .option(...dbOption)
    .action((flags) => run(async () => (await import('./review.js')).reviewAddCommand(flags)));
  review
    .command('export')
    .description('write the queue’s aggregated labels as a golden dataset (JSONL, origin: review)')
    .requiredOption('--queue <name>', 'the review queue')
    .requiredOption('--to <file>', 'the golden dataset to write (.jsonl; replaced)')
    .option(...projectOption)
    .option(...dbOption)
    .action((flags) => run(async () => (await import('./review.js')).reviewExportCommand(flags)));
}
