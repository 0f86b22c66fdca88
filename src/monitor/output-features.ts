import { franc } from 'franc-min';
import { findRefusal } from '../evaluators/safety/refusal.js';

/** What output drift looks at in one answer. */
export interface OutputFeatures {
  /** Characters. */
  length: number;
  /** The answer parses as JSON (after trimming, with an optional ``` fence). */
  jsonValid: boolean;
  /** The answer contains a refusal formula (the `safety` evaluator's list). */
  refusal: boolean;
  /** ISO 639-3 code from franc-min, `und` when the text is too short to tell. */
  language: string;
}

function parsesAsJson(text: string): boolean {
  const t = text
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  if (!t || !(t.startsWith('{') || t.startsWith('['))) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

export function outputFeatures(output: string): OutputFeatures {
  return {
    length: output.length,
    jsonValid: parsesAsJson(output),
    refusal: findRefusal(output) !== undefined,
    language: franc(output, { minLength: 20 }),
  };
}
