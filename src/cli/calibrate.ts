import { resolve } from 'node:path';
import { AssayError } from '../core/errors.js';
import type { Store } from '../core/store.js';
import { type Calibration, calibrate } from '../judge/calibration/calibrate.js';
import { type LabelRow, parseLabels } from '../judge/calibration/labels.js';
import { calibrationPairs, collectJudgeScores, type JudgeScores } from '../judge/calibration/select.js';
import { formatCalibration } from '../report/calibration.js';
import { writeTextFile } from '../report/write-file.js';
import { openStore } from '../store/open.js';
import { readTextFile } from '../util/text-file.js';
import { EXIT } from './exit-codes.js';

export interface CalibrateFlags {
  run: string;
  /** Human labels from a JSONL file… */
  labels?: string;
  /** …or from a review queue's aggregated labels. */
  review?: string;
  project?: string;
  evaluator?: string;
  json?: string;
  db?: string;
}

/** What `assay calibrate` stores as the run's `calibration` artifact and writes with `--json`. */
export interface CalibrationDocument {
  run: string;
  /** The labels file, or `review:<queue>`. */
  labels: string;
  /** The review queue the labels came from (`--review`). */
  review?: string;
  createdAt: string;
  calibrations: Calibration[];
}

/** The human side: label rows, and (from a queue) the aggregated label per output and score. */
interface HumanSide {
  labels: LabelRow[];
  aggregated?: Map<string, number>;
  notes?: string[];
}

/** The human labels of a JSONL file (`--labels`), or a usage error naming it. */
export async function labelsFromFile(path: string): Promise<HumanSide> {
  const file = resolve(process.cwd(), path);
  let text: string;
  try {
    text = await readTextFile(file, (why) => new AssayError('usage', why, { file: path }));
  } catch (error) {
    if (error instanceof AssayError) throw error;
    throw new AssayError('usage', `cannot read the labels: ${(error as Error).message}`, { file: path });
  }
  return { labels: parseLabels(text, path) };
}

/**
 * `assay calibrate --run <id> --labels human.jsonl`, or `--review <queue>`: how well the run's judge
 * agrees with human ratings of the same outputs — from a file, or from a review queue (its
 * aggregated labels, flagged raters left out). Printed, stored with the run (shown by `assay show`),
 * and written as JSON with `--json`. The verdict is advice, not a gate: the exit code is 0 whatever
 * it says.
 */
export async function calibrateCommand(flags: CalibrateFlags): Promise<number> {
  if ((flags.labels === undefined) === (flags.review === undefined))
    throw new AssayError(
      'usage',
      'give the human labels with --labels FILE or --review QUEUE (one of them)',
      {
        field: '--labels',
      },
    );
  const fromFile = flags.labels !== undefined ? await labelsFromFile(flags.labels) : undefined;
  if (flags.review !== undefined) {
    const { inProject } = await import('./review.js');
    return inProject(flags, async (stores, projectId, project) => {
      const run = await stores.runs.getRun(flags.run, { project });
      if (!run)
        throw new AssayError('run.not-found', `no run "${flags.run}" of project "${project}" in the store`, {
          field: '--run',
        });
      const scores = await judgeScoresOf(stores.runs, run.id);
      const { humanFromQueue } = await import('../review/calibrate-review.js');
      const human = await humanFromQueue(stores.reviews, stores.runs, {
        projectId,
        queue: flags.review!,
        runId: run.id,
        scoreNames: [...scores.keys()],
        ...(flags.evaluator ? { evaluator: flags.evaluator } : {}),
      });
      return finish(stores.runs, run.id, scores, human, flags, `review:${flags.review}`);
    });
  }
  const store = await openStore(flags.db);
  try {
    const run = await store.getRun(flags.run);
    if (!run) throw new AssayError('run.not-found', `no run "${flags.run}" in the store`);
    const scores = await judgeScoresOf(store, run.id);
    return await finish(store, run.id, scores, fromFile!, flags, flags.labels!);
  } finally {
    await store.close();
  }
}

/** The run's judge scores by name, or a usage error when it has none. */
export async function judgeScoresOf(store: Store, runId: string): Promise<Map<string, JudgeScores>> {
  const scores = await collectJudgeScores(store.results(runId));
  if (scores.size === 0) throw new AssayError('usage', `run ${runId} has no judge scores to calibrate`);
  return scores;
}

/** The same statistics and output whatever the labels' source. */
async function finish(
  store: Store,
  runId: string,
  scores: Map<string, JudgeScores>,
  human: HumanSide,
  flags: CalibrateFlags,
  labelsName: string,
): Promise<number> {
  const calibrations: Calibration[] = [];
  const paired = calibrationPairs(scores, human.labels, {
    ...(flags.evaluator ? { evaluator: flags.evaluator } : {}),
    ...(human.aggregated ? { aggregated: human.aggregated } : {}),
  });
  for (const { evaluator: name, scores: s, pairs, unmatched } of paired) {
    if (pairs.length < 3) {
      throw new AssayError(
        'usage',
        `only ${pairs.length} labelled output(s) have a ${name} score in run ${runId}; calibration needs at least 3`,
      );
    }
    const cal = calibrate(name, pairs, {
      ...(s.scale ? { scale: s.scale } : {}),
      ...(s.threshold === undefined ? {} : { threshold: s.threshold }),
    });
    if (unmatched.length) {
      const shown = unmatched.slice(0, 5).join(', ');
      cal.notes.push(
        `${unmatched.length} labelled case(s) have no ${name} score in this run: ${shown}${unmatched.length > 5 ? ', …' : ''}`,
      );
    }
    cal.notes.push(...(human.notes ?? []));
    calibrations.push(cal);
  }
  const doc: CalibrationDocument = {
    run: runId,
    labels: labelsName,
    ...(flags.review ? { review: flags.review } : {}),
    createdAt: new Date().toISOString(),
    calibrations,
  };
  await store.saveArtifact(runId, 'calibration', doc);
  const color = Boolean(process.stdout.isTTY);
  process.stdout.write(`${calibrations.map((c) => formatCalibration(c, { color, runId })).join('\n\n')}\n`);
  if (flags.json) {
    await writeTextFile(resolve(process.cwd(), flags.json), `${JSON.stringify(doc, null, 2)}\n`);
    process.stdout.write(`assay: calibration written to ${flags.json}\n`);
  }
  return EXIT.ok;
}
