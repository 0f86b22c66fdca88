import { AssayError } from '../core/errors.js';
import { parseSampleSize, type SampleOptions } from '../datasets/sample.js';

/** The flags `assay eval` and `assay review add` share: `--sample 10% --stratify-by type,difficulty --seed 7`. */
export interface SampleFlags {
  sample?: string;
  stratifyBy?: string;
  seed?: number;
}

/** The sample those flags ask for, or undefined without `--sample`. */
export function sampleFlags(flags: SampleFlags): SampleOptions | undefined {
  if (!flags.sample) {
    if (flags.stratifyBy) throw new AssayError('usage', '--stratify-by goes with --sample');
    return undefined;
  }
  const by = (flags.stratifyBy ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return { size: parseSampleSize(flags.sample), by, seed: flags.seed ?? 1 };
}
