/**
 * assay/stats: the statistics behind Assay's reports, pure functions with no I/O. Bad input (empty or
 * unequal arrays, NaN, out-of-range parameters, undefined results) throws AssayError('stats.input').
 */
export type { CohenKappaOptions, Label } from './agreement.js';
export { cohenKappa, fleissKappa } from './agreement.js';
export type { BootstrapOptions, PairedDiff } from './bootstrap.js';
export { bootstrap, pairedBootstrapDiff } from './bootstrap.js';
export type { ChiSquareResult } from './chi-square.js';
export { chiSquareTest } from './chi-square.js';
export type { ChartPoint, ChartReference, ChartWindow } from './control-chart.js';
export { ewmaChart } from './control-chart.js';
export { kendallTau, pearson, spearman } from './correlation.js';
export { spearmanInterval } from './correlation-interval.js';
export type { DawidSkeneLabel, DawidSkeneOptions, DawidSkeneResult } from './dawid-skene.js';
export { dawidSkene } from './dawid-skene.js';
export type { Histogram, HistogramOptions } from './descriptive.js';
export { histogram, mean, percentile, ranks } from './descriptive.js';
export type { PsiOptions } from './drift.js';
export { jsDivergence, psi, psiFromCounts, wasserstein } from './drift.js';
export type { CorrelationKind } from './fisher-interval.js';
export { fisherInterval } from './fisher-interval.js';
export type { ClusterCount, ClusteredInterval, Interval } from './intervals.js';
export { clusteredProportion, wilson } from './intervals.js';
export type { KMeansOptions, KMeansResult } from './kmeans.js';
export { kmeans } from './kmeans.js';
export { ksTest } from './kolmogorov-smirnov.js';
export type { KrippendorffLevel, KrippendorffOptions } from './krippendorff.js';
export { krippendorffAlpha } from './krippendorff.js';
export type { McNemarPowerOptions, McNemarSampleSizeOptions } from './mcnemar-power.js';
export { mcnemarPower, mcnemarSampleSize } from './mcnemar-power.js';
export type { MmdOptions, MmdResult } from './mmd.js';
export { mmdTest } from './mmd.js';
export { holm } from './multiple-comparisons.js';
export type { McNemarOptions } from './paired-tests.js';
export {
  MCNEMAR_EXACT_MAX,
  mcnemar,
  mcnemarIsExact,
  pairedTTest,
  wilcoxonSignedRank,
} from './paired-tests.js';
export { passAtK, passHatK } from './pass-at-k.js';
export type { PairedSampleSizeOptions, TwoProportionsOptions } from './power.js';
export { pairedSampleSize, sampleSizeTwoProportions } from './power.js';
export type { Rng } from './random.js';
export { createRng, DEFAULT_SEED } from './random.js';
export type { SignFlipOptions, SignFlipResult } from './sign-flip.js';
export { signFlipTest } from './sign-flip.js';
