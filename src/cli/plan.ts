import { AssayError } from '../core/errors.js';
import { mcnemarPower, mcnemarSampleSize } from '../stats/mcnemar-power.js';
import { pairedSampleSize } from '../stats/power.js';
import { EXIT } from './exit-codes.js';

/** Every check names the flag, not the library function behind it (issue 10, item 10). */
function num(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new AssayError('usage', `--${name} is required`);
    return fallback;
  }
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new AssayError('usage', `--${name} must be a number, got "${value}"`);
  return n;
}

function open01(name: string, x: number): number {
  if (!(x > 0 && x < 1))
    throw new AssayError('usage', `--${name} must be between 0 and 1 (exclusive), got ${x}`);
  return x;
}

export interface PlanFlags {
  baselineRate?: string;
  mde?: string;
  alpha?: string;
  power?: string;
  discordance?: string;
  family?: string;
}

function readFlags(flags: PlanFlags) {
  const baselineRate = open01('baseline-rate', num('baseline-rate', flags.baselineRate));
  const mde = num('mde', flags.mde);
  if (mde === 0) throw new AssayError('usage', '--mde must not be 0: a change of nothing cannot be detected');
  const p2 = baselineRate + mde;
  if (!(p2 >= 0 && p2 <= 1))
    throw new AssayError(
      'usage',
      `--baseline-rate ${baselineRate} with --mde ${mde} gives a pass rate of ${+p2.toFixed(6)}, outside 0..1`,
    );
  const alpha = open01('alpha', num('alpha', flags.alpha, 0.05));
  const power = open01('power', num('power', flags.power, 0.8));
  const given = flags.discordance === undefined ? undefined : num('discordance', flags.discordance);
  if (given !== undefined && !(given >= Math.abs(mde) && given <= 1))
    throw new AssayError(
      'usage',
      `--discordance must be between |--mde| (${Math.abs(mde)}) and 1, got ${given}: the runs must disagree on at least the cases that changed`,
    );
  const family = num('family', flags.family, 1);
  if (!(Number.isInteger(family) && family >= 1))
    throw new AssayError('usage', `--family must be a whole number of rows, 1 or more, got ${flags.family}`);
  const psi = given ?? baselineRate * (1 - p2) + p2 * (1 - baselineRate);
  return { baselineRate, mde, alpha, power, given, family, psi };
}

/**
 * `assay plan`: how many paired cases detect a given change in pass rate, sized by the exact power of
 * the test `assay compare` runs (McNemar, exact up to 25 discordant pairs) and, with `--family`, at
 * Holm's first-step level α / rows.
 */
export async function planCommand(flags: PlanFlags): Promise<number> {
  const { baselineRate, mde, alpha, power, given, family, psi } = readFlags(flags);
  const base = { baselineRate, mde, discordance: psi };
  const sized = mcnemarSampleSize({ ...base, alpha, power, family });
  const connor = pairedSampleSize({ ...base, alpha: alpha / family, power });
  const pct = (x: number) => `${(x * 100).toFixed(1)}`;
  const level =
    family === 1
      ? `two-sided α = ${alpha}`
      : `two-sided α = ${alpha} over ${family} rows: α/${family} = ${+sized.alpha.toPrecision(3)}`;
  const lines = [
    `To detect a change of ${pct(mde)} points from a ${pct(baselineRate)}% pass rate (${level}, power ${power}, McNemar on paired cases): ${sized.n} cases.`,
    `Sized for the test assay compare runs (exact McNemar up to 25 discordant pairs, continuity-corrected χ² above): exact power ${sized.power.toFixed(3)} at ${sized.n} cases. ` +
      `Connor's normal approximation would say ${connor}, where the power is ${mcnemarPower(connor, { ...base, alpha: sized.alpha }).toFixed(3)}.`,
    given === undefined
      ? `Assumes the runs disagree on ${pct(psi)}% of cases, as independent runs would; runs of the same ` +
        'cases usually disagree less, so this errs high. Measured on two runs, pass it as --discordance.'
      : `Assumes the runs disagree on ${pct(psi)}% of cases (--discordance).`,
  ];
  if (family === 1) {
    // compare adjusts every row (metrics × strata) with Holm: say what that costs.
    const six = mcnemarSampleSize({ ...base, alpha, power, family: 6 });
    const at = mcnemarPower(sized.n, { ...base, alpha: alpha / 6 });
    lines.push(
      'assay compare adjusts p-values with Holm over every row of its table (metrics × strata): a change ' +
        `that shows in one row only must reach p < α/rows. With 6 rows the power at ${sized.n} cases is ` +
        `${at.toFixed(3)}, and ${six.n} cases are needed. Pass --family <rows> to size for your table.`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
