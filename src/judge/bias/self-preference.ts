import { AssayError } from '../../core/errors.js';
import { providerModelFamily } from '../family.js';
import type { Judge } from '../judge-spec.js';
import type { TargetRef } from '../services.js';

/** A judge that shares its model family with targets under evaluation. */
export interface FamilyConflict {
  judge: string;
  family: string;
  targets: string[];
}

/**
 * Models prefer answers written in their own family's style, so a judge of the same family as a
 * target it grades is refused — unless `allowSameFamily`, when the conflicts are returned so the
 * scores can be flagged. Targets that are not models (functions, HTTP apps) have no known family.
 */
export function checkSelfPreference(
  judges: Judge[],
  targets: TargetRef[] | undefined,
  allowSameFamily: boolean,
): FamilyConflict[] {
  const conflicts: FamilyConflict[] = [];
  for (const j of judges) {
    if (!j.family) continue;
    const same = (targets ?? []).filter((t) => providerModelFamily(t.provider) === j.family).map((t) => t.id);
    if (same.length) conflicts.push({ judge: j.id, family: j.family, targets: same });
  }
  if (conflicts.length && !allowSameFamily) {
    const c = conflicts[0]!;
    throw new AssayError(
      'evaluator.invalid',
      `judge ${c.judge} is of the same model family (${c.family}) as target ${c.targets.join(', ')}: models favour their own family's answers. Use a judge of another family, or set allowSameFamily: true to accept the bias (it is then flagged in the report)`,
      { field: 'judge' },
    );
  }
  return conflicts;
}

/** The targets a flagged judge shares a family with, as a set for lookups per result. */
export function sameFamilyTargets(conflicts: FamilyConflict[]): Set<string> {
  return new Set(conflicts.flatMap((c) => c.targets));
}
