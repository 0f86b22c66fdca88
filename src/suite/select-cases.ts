import type { Case } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import { filterCases } from '../datasets/filter.js';
import { drawSample, type SampleDraw, type SampleOptions } from '../datasets/sample.js';
import { datasetVersion } from '../datasets/version.js';
import type { Suite } from './build-suite.js';

/** Which cases of the dataset a run takes: a tag filter, then a (stratified) sample. */
export interface CaseSelection {
  /** `{ type: ['billing', 'account'] }`: every key must hold, its values are alternatives. */
  tags?: Record<string, string[]>;
  sample?: SampleOptions;
}

/**
 * Narrows `suite.dataset.cases` to the selection and records it in the provenance (the filter, the
 * selected cases' version, the sample spec and its size), so `--resume` takes the same cases.
 */
export function selectCases(suite: Suite, selection: CaseSelection): SampleDraw | undefined {
  let cases: Case[] = suite.dataset.cases;
  if (selection.tags && Object.keys(selection.tags).length > 0) {
    cases = filterCases(cases, selection.tags);
    if (cases.length === 0)
      throw new AssayError(
        'input.invalid',
        `no case matches the tag filter ${Object.entries(selection.tags)
          .map(([k, vs]) => vs.map((v) => `${k}=${v}`).join('|'))
          .join(', ')}`,
      );
    suite.provenance.filters = {
      ...suite.provenance.filters,
      tags: selection.tags,
      selectedVersion: datasetVersion(cases),
    };
  }
  let draw: SampleDraw | undefined;
  if (selection.sample) {
    const sampled = drawSample(cases, selection.sample);
    cases = sampled.cases;
    draw = sampled.draw;
    suite.provenance.sample = { ...selection.sample, selected: draw.selected, of: draw.of };
  }
  suite.dataset.cases = cases;
  return draw;
}
