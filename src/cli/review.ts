import { basename, extname, resolve } from 'node:path';
import { AssayError } from '../core/errors.js';
import { loadDataset } from '../datasets/load.js';
import { formatSampleDraw } from '../report/sample-draw.js';
import { writeFileStreaming } from '../report/write-file.js';
import { humanFromQueue } from '../review/calibrate-review.js';
import { exportRow, isLabelled } from '../review/export.js';
import { disagreementItems } from '../review/from-disagreements.js';
import { fileItems } from '../review/from-file.js';
import { runItems } from '../review/from-run.js';
import { pairItems } from '../review/pairs-from-runs.js';
import { reviewService } from '../review/service.js';
import { addSourcedItems, queueNamed } from '../review/sourced.js';
import { openStores } from '../store/open.js';
import { labelsFromFile } from './calibrate.js';
import { EXIT } from './exit-codes.js';
import { type SampleFlags, sampleFlags } from './sample-flags.js';

export interface ReviewAddFlags extends SampleFlags {
  queue: string;
  run?: string;
  /** A dataset file (JSONL, CSV, YAML): its cases become items (`assay dataset refresh` proposals). */
  file?: string;
  /** A second run: pairwise items, this run's answer (A) against the other's (B). */
  against?: string;
  failed?: boolean;
  /** With --run: the outputs where the run's judge and the humans (--labels or --review) disagree most. */
  disagreements?: boolean;
  /** The human labels of --disagreements: a JSONL file as `assay calibrate --labels` reads… */
  labels?: string;
  /** …or another review queue's aggregated labels. */
  review?: string;
  /** One judge score of the run (`rubric.accuracy`). */
  evaluator?: string;
  /** How many of the largest gaps per judge score (default 50). */
  top?: number;
  project?: string;
  db?: string;
}

type Stores = Awaited<ReturnType<typeof openStores>>;

/** The stores and the project a review command works in; closes them after `body`. */
export async function inProject<T>(
  flags: { db?: string; project?: string },
  body: (stores: Stores, projectId: string, projectName: string) => Promise<T>,
): Promise<T> {
  const stores = await openStores(flags.db);
  try {
    const name = flags.project ?? 'default';
    const project = await stores.traces.projectByName(name);
    if (!project)
      throw new AssayError('usage', `no project "${name}" in this store (no review queue either)`, {
        field: '--project',
      });
    return await body(stores, project.id, name);
  } finally {
    await stores.traces.close();
  }
}

/** `assay review add --queue Q --file proposals.jsonl`: a dataset file's cases become review items, each once. */
async function reviewAddFileCommand(flags: ReviewAddFlags, file: string): Promise<number> {
  if (flags.failed || flags.against || flags.sample)
    throw new AssayError('usage', '--failed, --against and --sample go with --run, not --file', {
      field: '--file',
    });
  const dataset = await loadDataset(resolve(file));
  return inProject(flags, async (stores, projectId) => {
    const queue = await queueNamed(stores.reviews, projectId, flags.queue);
    const items = fileItems(dataset.name, basename(file), dataset.cases, dataset.version);
    const { added, already } = await addSourcedItems(stores.reviews, queue, items, Date.now());
    process.stdout.write(
      `assay: added ${added.length} case(s) of ${file} to review queue "${queue.name}"${already ? ` (${already} already there)` : ''}\n`,
    );
    return EXIT.ok;
  });
}

/**
 * `assay review add --queue Q --disagreements --run RUN (--labels FILE | --review Q0) [--evaluator NAME]
 * [--top 50]`: the outputs where the run's judge and the humans disagree most, as `assay calibrate`
 * measures it, become items of a calibration queue, each once, the judge's verdict and the human
 * label shown to the reviewer.
 */
async function reviewAddDisagreementsCommand(flags: ReviewAddFlags): Promise<number> {
  const usage = (message: string, field: string) => new AssayError('usage', message, { field });
  if (flags.failed || flags.against || flags.sample)
    throw usage('--failed, --against and --sample do not go with --disagreements', '--disagreements');
  if ((flags.labels === undefined) === (flags.review === undefined))
    throw usage(
      '--disagreements compares the judge with --labels FILE or --review QUEUE (one of them)',
      '--labels',
    );
  if (flags.review === flags.queue)
    throw usage(
      `the disagreements of queue "${flags.queue}" go to another queue (a calibration queue)`,
      '--queue',
    );
  const fromFile = flags.labels !== undefined ? await labelsFromFile(flags.labels) : undefined;
  return inProject(flags, async (stores, projectId, project) => {
    const queue = await queueNamed(stores.reviews, projectId, flags.queue);
    const labelsName = flags.review !== undefined ? `review:${flags.review}` : flags.labels!;
    const found = await disagreementItems(stores.runs, {
      runId: flags.run!,
      project,
      labelsName,
      ...(flags.evaluator ? { evaluator: flags.evaluator } : {}),
      ...(flags.top ? { top: flags.top } : {}),
      human: async (runId, scoreNames) =>
        fromFile ??
        humanFromQueue(stores.reviews, stores.runs, {
          projectId,
          queue: flags.review!,
          runId,
          scoreNames,
          ...(flags.evaluator ? { evaluator: flags.evaluator } : {}),
        }),
    });
    for (const id of found.missing)
      process.stderr.write(`assay: case ${id}: its content is no longer in the store or the dataset file\n`);
    const { added, already } = await addSourcedItems(stores.reviews, queue, found.items, Date.now());
    const compared = Object.entries(found.compared)
      .map(([name, n]) => `${name}: ${n} labelled output(s)`)
      .join(', ');
    process.stdout.write(
      `assay: added ${added.length} judge–human disagreement(s) of run ${flags.run} (against ${labelsName}; ${compared}) to review queue "${queue.name}"${already ? ` (${already} already there)` : ''}\n`,
    );
    return found.missing.length > 0 ? EXIT.usage : EXIT.ok;
  });
}

/**
 * `assay review add --queue Q --run RUN [--failed] [--sample 50 --stratify-by type] [--seed N]`:
 * the outputs of a stored run become review items, each once (adding the same run again adds only
 * what is not there yet).
 */
export async function reviewAddCommand(flags: ReviewAddFlags): Promise<number> {
  if ((flags.run === undefined) === (flags.file === undefined))
    throw new AssayError('usage', 'name what to review with exactly one of --run RUN or --file FILE', {
      field: '--run',
    });
  if (!flags.disagreements)
    for (const [name, given] of [
      ['--labels', flags.labels],
      ['--review', flags.review],
      ['--evaluator', flags.evaluator],
      ['--top', flags.top],
    ] as const)
      if (given !== undefined)
        throw new AssayError('usage', `${name} goes with --disagreements`, { field: name });
  if (flags.file !== undefined) {
    if (flags.disagreements)
      throw new AssayError('usage', '--disagreements goes with --run, not --file', { field: '--file' });
    return reviewAddFileCommand(flags, flags.file);
  }
  if (flags.disagreements) return reviewAddDisagreementsCommand(flags);
  const sample = sampleFlags(flags);
  return inProject(flags, async (stores, projectId, project) => {
    const queue = await queueNamed(stores.reviews, projectId, flags.queue);
    const options = {
      runId: flags.run!,
      project,
      ...(flags.failed ? { failed: true } : {}),
      ...(sample ? { sample } : {}),
    };
    const built: Awaited<ReturnType<typeof runItems>> & { unpaired?: number } = flags.against
      ? await pairItems(stores.runs, { ...options, against: flags.against })
      : await runItems(stores.runs, options);
    if (built.unpaired)
      process.stderr.write(
        `assay: ${built.unpaired} output(s) of run ${built.run.id} have no answer in run ${flags.against}: not paired\n`,
      );
    if (built.draw) process.stderr.write(formatSampleDraw(built.draw));
    for (const id of built.missing)
      process.stderr.write(`assay: case ${id}: its content is no longer in the store or the dataset file\n`);
    const { added, already } = await addSourcedItems(stores.reviews, queue, built.items, Date.now());
    const what = `${flags.failed ? 'failed ' : ''}${flags.against ? `pairs (against run ${flags.against})` : 'outputs'}`;
    process.stdout.write(
      built.items.length === 0
        ? `assay: no ${what} to review in run ${built.run.id}\n`
        : `assay: added ${added.length} ${what} of run ${built.run.id} to review queue "${queue.name}"${already ? ` (${already} already there)` : ''}\n`,
    );
    return built.missing.length > 0 ? EXIT.usage : EXIT.ok;
  });
}

export interface ReviewExportFlags {
  queue: string;
  to: string;
  project?: string;
  db?: string;
}

/**
 * `assay review export --queue Q --to golden.jsonl`: the queue's labelled items, aggregated by its
 * method, as a golden dataset `assay eval` reads (`expected` rubric scores, `origin: review`,
 * `reviewedFrom`). The file is written whole each time (a snapshot of the queue), through the one
 * file writer: a reader never sees half of it.
 */
export async function reviewExportCommand(flags: ReviewExportFlags): Promise<number> {
  const ext = extname(flags.to).toLowerCase();
  if (ext !== '.jsonl' && ext !== '.ndjson')
    throw new AssayError('usage', `the golden dataset must be a .jsonl file, got "${flags.to}"`, {
      field: '--to',
    });
  return inProject(flags, async (stores, projectId) => {
    const queue = await queueNamed(stores.reviews, projectId, flags.queue);
    const { items } = await reviewService(stores.reviews).aggregated({ projectId }, queue.name);
    const labelled = items.filter(isLabelled);
    await writeFileStreaming(resolve(process.cwd(), flags.to), async (write) => {
      for (const item of labelled) await write(`${JSON.stringify(exportRow(queue, item))}\n`);
    });
    const left = items.length - labelled.length;
    process.stdout.write(
      `assay: exported ${labelled.length} reviewed item${labelled.length === 1 ? '' : 's'} of queue "${queue.name}" (${queue.aggregation}) to ${flags.to}${left ? `; ${left} without labels yet left out` : ''}\n`,
    );
    return EXIT.ok;
  });
}
