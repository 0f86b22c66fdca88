import type { RunRecord } from '../core/run.js';
import type { Store } from '../core/store.js';
import type { JudgeBiasReport } from '../judge/bias/report.js';
import type { JudgePromptRecord } from '../judge/templates.js';
import { formatCalibration } from '../report/calibration.js';
import { formatJudgeBias } from '../report/judge-bias.js';
import type { CalibrationDocument } from './calibrate.js';

type Out = { write(text: string): unknown; isTTY?: boolean };

/** For `assay show`: the judge prompts the run used, its bias checks and its latest calibration. */
export async function showJudgeSections(store: Store, run: RunRecord, out: Out): Promise<void> {
  const color = Boolean(out.isTTY);
  const prompts = (run.provenance.judgePrompts ?? []) as JudgePromptRecord[];
  if (prompts.length) {
    const list = prompts.map(
      (p) =>
        `${p.evaluator}: ${p.template}@${p.version} #${p.hash}${p.source === 'builtin' ? '' : ` (${p.source})`}`,
    );
    out.write(`\nJudge prompts: ${list.join(' · ')}\n`);
  }
  const artifacts = await store.artifacts(run.id);
  const latest = (kind: string) => artifacts.filter((a) => a.kind === kind).at(-1)?.value;
  const bias = latest('judge-bias') as JudgeBiasReport | undefined;
  if (bias) out.write(`\n${formatJudgeBias(bias, { color })}\n`);
  const calibration = latest('calibration') as CalibrationDocument | undefined;
  if (calibration) {
    const text = calibration.calibrations.map((c) => formatCalibration(c, { color })).join('\n\n');
    out.write(`\n${text}\n(labels ${calibration.labels}, calibrated ${calibration.createdAt})\n`);
  }
}
