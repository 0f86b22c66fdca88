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
}): Promise<number> {
  const baselineRate = num('baseline-rate', flags.baselineRate);
  const mde = num('mde', flags.mde);
  const alpha = num('alpha', flags.alpha, 0.05);
  const power = num('power', flags.power, 0.8);
  const n = pairedSampleSize({ baselineRate, mde, alpha, power });
  process.stdout.write(
    `To detect a change of ${(mde * 100).toFixed(1)} points from a ${(baselineRate * 100).toFixed(1)}% pass rate ` +
      `(two-sided α = ${alpha}, power ${power}, McNemar on paired cases): ${n} cases.\n`,
  );
  return EXIT.ok;
}
