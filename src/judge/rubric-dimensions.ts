import { z } from 'zod';
import { AssayError } from '../core/errors.js';
import { GENERIC_LEVELS, type Levels, PRESET_DIMENSIONS } from './rubric-presets.js';

/** One rubric dimension with its scale; every level from `min` to `max` is described. */
export interface Dimension {
  name: string;
  description?: string;
  /** Highest level first, as the judge reads them. */
  levels: { score: number; description: string }[];
  min: number;
  max: number;
  /** Pass at or above, on the dimension's own scale. */
  threshold: number;
  /** A single criterion given as free text: its score carries the evaluator's name alone. */
  anonymous?: boolean;
}

const levelsSchema = z.record(
  z.string().regex(/^-?\d+$/, 'level keys must be whole numbers'),
  z.string().min(1),
);

export const dimensionSchema = z.strictObject({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  levels: levelsSchema.optional(),
  threshold: z.number().optional(),
});

export const dimensionsOption = z.union([
  z.array(z.union([z.string().min(1), dimensionSchema])).min(1),
  z.record(z.string(), z.union([z.string(), dimensionSchema])),
]);

export const rubricOption = z.union([z.string().min(1), dimensionSchema]);

type DimensionInput = z.infer<typeof dimensionSchema>;

/** `dimensions` and `rubric` options as a list of dimensions; errors name the field. */
export function buildDimensions(o: {
  dimensions?: z.infer<typeof dimensionsOption>;
  rubric?: z.infer<typeof rubricOption>;
  threshold?: number | Record<string, number>;
}): Dimension[] {
  let inputs: { field: string; value: string | DimensionInput; key?: string }[];
  if (o.dimensions !== undefined && o.rubric !== undefined) {
    throw new AssayError('evaluator.invalid', 'give "dimensions" or "rubric", not both', { field: 'rubric' });
  }
  if (o.rubric !== undefined) inputs = [{ field: 'rubric', value: o.rubric }];
  else if (Array.isArray(o.dimensions))
    inputs = o.dimensions.map((value, i) => ({ field: `dimensions[${i}]`, value }));
  else if (o.dimensions) {
    inputs = Object.entries(o.dimensions).map(([key, value]) => ({ field: `dimensions.${key}`, value, key }));
  } else
    throw new AssayError('evaluator.invalid', 'needs "dimensions" (or a single "rubric")', {
      field: 'dimensions',
    });

  const out = inputs.map(({ field, value, key }) => toDimension(field, value, key, o.rubric !== undefined));
  const names = new Set<string>();
  for (const [i, d] of out.entries()) {
    if (names.has(d.name))
      throw new AssayError('evaluator.invalid', `dimension "${d.name}" appears twice`, {
        field: inputs[i]!.field,
      });
    names.add(d.name);
  }
  for (const d of out) {
    const t = typeof o.threshold === 'number' ? o.threshold : o.threshold?.[d.name];
    if (t !== undefined) d.threshold = t;
    if (d.threshold < d.min || d.threshold > d.max) {
      throw new AssayError(
        'evaluator.invalid',
        `threshold ${d.threshold} is outside the ${d.name} scale ${d.min}–${d.max}`,
        {
          field: 'threshold',
        },
      );
    }
  }
  return out;
}

function toDimension(
  field: string,
  value: string | DimensionInput,
  key: string | undefined,
  single: boolean,
): Dimension {
  let name: string;
  let description: string | undefined;
  let levels: Levels | undefined;
  let threshold: number | undefined;
  let anonymous = false;
  if (typeof value === 'string') {
    const preset = PRESET_DIMENSIONS[(key ?? value).toLowerCase()];
    if (key !== undefined) {
      // `accuracy: "Are the numbers right?"`: a named dimension with its own question.
      name = key;
      description = value;
      levels = preset?.levels;
    } else if (preset) {
      name = value.toLowerCase();
      ({ description, levels } = preset);
    } else if (single) {
      // `rubric: "Is the answer polite?"`: one criterion, described in words.
      name = 'quality';
      description = value;
      anonymous = true;
    } else {
      throw new AssayError(
        'evaluator.invalid',
        `"${value}" is not a built-in dimension (${Object.keys(PRESET_DIMENSIONS).join(', ')}); describe it with { name, description, levels }`,
        { field },
      );
    }
  } else {
    anonymous = single && value.name === undefined;
    name = value.name ?? key ?? (single ? 'quality' : '');
    if (!name) throw new AssayError('evaluator.invalid', 'a dimension needs a "name"', { field });
    const preset = PRESET_DIMENSIONS[name.toLowerCase()];
    description = value.description ?? preset?.description;
    levels = value.levels
      ? Object.fromEntries(Object.entries(value.levels).map(([k, v]) => [Number(k), v]))
      : preset?.levels;
    threshold = value.threshold;
  }
  const lv = levels ?? GENERIC_LEVELS;
  const scores = Object.keys(lv)
    .map(Number)
    .sort((a, b) => a - b);
  const min = scores[0]!;
  const max = scores[scores.length - 1]!;
  if (scores.length < 2)
    throw new AssayError('evaluator.invalid', 'a scale needs at least two levels', {
      field: `${field}.levels`,
    });
  for (let s = min; s <= max; s++) {
    if (lv[s] === undefined) {
      throw new AssayError(
        'evaluator.invalid',
        `level ${s} is not described (every level from ${min} to ${max} must be)`,
        {
          field: `${field}.levels`,
        },
      );
    }
  }
  if (!/^[\w-]+$/.test(name)) {
    throw new AssayError(
      'evaluator.invalid',
      `dimension name "${name}" may hold letters, digits, _ and - only`,
      { field },
    );
  }
  return {
    name,
    ...(description ? { description } : {}),
    levels: scores.reverse().map((s) => ({ score: s, description: lv[s]! })),
    min,
    max,
    // By default a pass needs the level below the top on a scale of four levels or more (4 of 1–5).
    threshold: threshold ?? (max - min >= 3 ? max - 1 : max),
    ...(anonymous ? { anonymous } : {}),
  };
}
