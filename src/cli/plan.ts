import { AssayError } from '../core/errors.js';
import { pairedSampleSize } from '../stats/power.js';
import { EXIT } from './exit-codes.js';

function num(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new AssayError('usage', `--${name} is required`);
    return fallback;
  }
  const n = Number(value);
  if (!Number.isFinite(n)) throw new AssayError('usage', `--${name} must be a number, got "${value}"`);
  return n;
}

/** `assay plan`: how many paired cases detect a given change in pass rate. */
export async function planCommand(flags: {
  baselineRate?: string;
  mde?: string;
  alpha?: string;
  power?: string;
  discordance?: string;
}): Promise<number> {
  const baselineRate = num('baseline-rate', flags.baselineRate);
  const mde = num('mde', flags.mde);
  const alpha = num('alpha', flags.alpha, 0.05);
  const power = num('power', flags.power, 0.8);
  const given = flags.discordance === undefined ? undefined : num('discordance', flags.discordance);
  const n = pairedSampleSize({
    baselineRate,
    mde,
    alpha,
    power,
    ...(given === undefined ? {} : { discordance: given }),
  });
  // The answer hangs on how often the two runs disagree on a case: say what was assumed.
  const p2 = baselineRate + mde;
  const psi = given ?? baselineRate * (1 - p2) + p2 * (1 - baselineRate);
  process.stdout.write(
    `To detect a change of ${(mde * 100).toFixed(1)} points from a ${(baselineRate * 100).toFixed(1)}% pass rate ` +
      `(two-sided α = ${alpha}, power ${power}, McNemar on paired cases): ${n} cases.\n` +
      (given === undefined
        ? `Assumes the runs disagree on ${(psi * 100).toFixed(1)}% of cases, as independent runs would; runs of the same ` +
          'cases usually disagree less, so this errs high. Measured on two runs, pass it as --discordance.\n'
        : `Assumes the runs disagree on ${(psi * 100).toFixed(1)}% of cases (--discordance).\n`),
  );
  return EXIT.ok;
}
