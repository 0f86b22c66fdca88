import { resolve } from 'node:path';
import { AssayError } from '../core/errors.js';
import { type Calibration, calibrate } from '../judge/calibration/calibrate.js';
import { parseLabels } from '../judge/calibration/labels.js';
import { collectJudgeScores, pairLabels, planCalibrations } from '../judge/calibration/select.js';
import { formatCalibration } from '../report/calibration.js';
import { writeTextFile } from '../report/write-file.js';
import { openStore } from '../store/open.js';
import { readTextFile } from '../util/text-file.js';
import { EXIT } from './exit-codes.js';

export interface CalibrateFlags {
  run: string;
  labels: string;
  evaluator?: string;
  json?: string;
  db?: string;
}

/** What `assay calibrate` stores as the run's `calibration` artifact and writes with `--json`. */
export interface CalibrationDocument {
  run: string;
  labels: string;
  createdAt: string;
  calibrations: Calibration[];
}

/**
 * `assay calibrate --run <id> --labels human.jsonl`: how well the run's judge agrees with human
 * ratings of the same outputs. Printed, stored with the run (shown by `assay show`), and written as
 * JSON with `--json`. The verdict is advice, not a gate: the exit code is 0 whatever it says.
 */
export async function calibrateCommand(flags: CalibrateFlags): Promise<number> {
  const file = resolve(process.cwd(), flags.labels);
  let text: string;
  try {
    text = await readTextFile(file, (why) => new AssayError('usage', why, { file: flags.labels }));
  } catch (error) {
    if (error instanceof AssayError) throw error;
    throw new AssayError('usage', `cannot read the labels: ${(error as Error).message}`, {
      file: flags.labels,
    });
  }
  const labels = parseLabels(text, flags.labels);
  const store = await openStore(flags.db);
  try {
    const run = await store.getRun(flags.run);
    if (!run) throw new AssayError('run.not-found', `no run "${flags.run}" in the store`);
    const scores = await collectJudgeScores(store.results(run.id));
    if (scores.size === 0) throw new AssayError('usage', `run ${run.id} has no judge scores to calibrate`);
    const plan = planCalibrations([...scores.keys()], labels, flags.evaluator);
    const calibrations: Calibration[] = [];
    for (const [name, rows] of plan) {
      const s = scores.get(name)!;
      const { pairs, unmatched } = pairLabels(s, rows);
      if (pairs.length < 3) {
        throw new AssayError(
          'usage',
          `only ${pairs.length} labelled output(s) have a ${name} score in run ${run.id}; calibration needs at least 3`,
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
      calibrations.push(cal);
    }
    const doc: CalibrationDocument = {
      run: run.id,
      labels: flags.labels,
      createdAt: new Date().toISOString(),
      calibrations,
    };
    await store.saveArtifact(run.id, 'calibration', doc);
    const color = Boolean(process.stdout.isTTY);
    process.stdout.write(
      `${calibrations.map((c) => formatCalibration(c, { color, runId: run.id })).join('\n\n')}\n`,
    );
    if (flags.json) {
      await writeTextFile(resolve(process.cwd(), flags.json), `${JSON.stringify(doc, null, 2)}\n`);
      process.stdout.write(`assay: calibration written to ${flags.json}\n`);
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
