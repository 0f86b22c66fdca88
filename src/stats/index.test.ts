import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import * as stats from './index.js';

describe('assay/stats', () => {
  it('exports the documented API', () => {
    const functions = [
      'bootstrap',
      'chiSquareTest',
      'ewmaChart',
      'kmeans',
      'mmdTest',
      'psiFromCounts',
      'spearmanInterval',
      'clusteredProportion',
      'cohenKappa',
      'dawidSkene',
      'createRng',
      'fisherInterval',
      'fleissKappa',
      'histogram',
      'holm',
      'jsDivergence',
      'kendallTau',
      'krippendorffAlpha',
      'ksTest',
      'mcnemar',
      'mcnemarIsExact',
      'mcnemarPower',
      'mcnemarSampleSize',
      'mean',
      'pairedBootstrapDiff',
      'pairedSampleSize',
      'pairedTTest',
      'passAtK',
      'passHatK',
      'pearson',
      'percentile',
      'psi',
      'ranks',
      'sampleSizeTwoProportions',
      'signFlipTest',
      'spearman',
      'wasserstein',
      'wilcoxonSignedRank',
      'wilson',
    ];
    for (const name of functions)
      expect(typeof (stats as Record<string, unknown>)[name], name).toBe('function');
    expect(Object.keys(stats).sort()).toEqual([...functions, 'DEFAULT_SEED', 'MCNEMAR_EXACT_MAX'].sort());
  });

  it("throws AssayError with code 'stats.input' and a one-line message naming the function", () => {
    try {
      stats.pearson([1, 2, 3, 4, 5], [1, 2, 3, 4]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AssayError);
      expect((e as AssayError).code).toBe('stats.input');
      expect((e as AssayError).message).toBe('pearson: x and y must have the same length (5 vs 4)');
    }
  });
});
