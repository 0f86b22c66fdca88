import type { VerdictCheck } from './verdict.js';

/**
 * The documented verdict shapes. Checks are lenient where a judge's habits are harmless (a number as
 * a string, "Tie" for "tie", a missing reasoning) and strict where they would change the result (a
 * score off the scale, a missing dimension, a verdict per claim that does not add up).
 */

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

const reasoningOf = (o: Record<string, unknown>) => (typeof o.reasoning === 'string' ? o.reasoning : '');

export interface Scale {
  min: number;
  max: number;
}

export interface RubricVerdict {
  reasoning: string;
  scores: Record<string, number>;
}

/**
 * `{"reasoning": string, "score": number}` for one dimension, `{"reasoning": string, "scores":
 * {<dimension>: number}}` for several (dimension names matched without regard to case).
 */
export function rubricCheck(
  dimensions: string[],
  scales: Record<string, Scale>,
): VerdictCheck<RubricVerdict> {
  return (value) => {
    if (!isObject(value)) return { ok: false, error: 'the verdict is not a JSON object' };
    const scores: Record<string, number> = {};
    if (dimensions.length === 1 && value.score !== undefined) {
      const s = num(value.score);
      if (s === undefined)
        return { ok: false, error: `"score" is not a number: ${JSON.stringify(value.score)}` };
      scores[dimensions[0]!] = s;
    } else {
      if (!isObject(value.scores)) {
        return {
          ok: false,
          error:
            dimensions.length === 1 ? 'the verdict has no "score"' : 'the verdict has no "scores" object',
        };
      }
      const given = new Map(Object.entries(value.scores).map(([k, v]) => [k.toLowerCase(), v]));
      for (const d of dimensions) {
        const s = num(given.get(d.toLowerCase()));
        if (s === undefined) return { ok: false, error: `"scores" has no number for "${d}"` };
        scores[d] = s;
      }
    }
    for (const [d, s] of Object.entries(scores)) {
      const scale = scales[d]!;
      if (s < scale.min || s > scale.max) {
        return { ok: false, error: `score ${s} for "${d}" is outside the scale ${scale.min}–${scale.max}` };
      }
    }
    return { ok: true, value: { reasoning: reasoningOf(value), scores } };
  };
}

export type Winner = 'A' | 'B' | 'tie';

export interface PairwiseVerdict {
  reasoning: string;
  winner: Winner;
}

/** `{"reasoning": string, "winner": "A" | "B" | "tie"}`. */
export const pairwiseCheck: VerdictCheck<PairwiseVerdict> = (value) => {
  if (!isObject(value)) return { ok: false, error: 'the verdict is not a JSON object' };
  const w = typeof value.winner === 'string' ? value.winner.trim().toLowerCase() : undefined;
  const winner: Winner | undefined = w === 'a' ? 'A' : w === 'b' ? 'B' : w === 'tie' ? 'tie' : undefined;
  if (!winner)
    return { ok: false, error: `"winner" must be "A", "B" or "tie", got ${JSON.stringify(value.winner)}` };
  return { ok: true, value: { reasoning: reasoningOf(value), winner } };
};

/** `{"claims": [string, …]}`. */
export const claimsCheck: VerdictCheck<string[]> = (value) => {
  if (!isObject(value) || !Array.isArray(value.claims))
    return { ok: false, error: 'the answer has no "claims" list' };
  const claims = value.claims.map((c) =>
    typeof c === 'string' ? c.trim() : isObject(c) && typeof c.claim === 'string' ? c.claim.trim() : '',
  );
  if (claims.some((c) => c === ''))
    return { ok: false, error: '"claims" must be a list of non-empty strings' };
  return { ok: true, value: claims };
};

export type ClaimStatus = 'supported' | 'unsupported' | 'contradicted';

export interface ClaimVerdict {
  status: ClaimStatus;
  reasoning: string;
}

/**
 * `{"verdicts": [{"claim": <number>, "reasoning": string, "verdict": "supported" | "unsupported" |
 * "contradicted"}, …]}`, one per claim; `claim` numbers (1-based) place them, else their order does.
 */
export function verifyCheck(count: number): VerdictCheck<ClaimVerdict[]> {
  return (value) => {
    if (!isObject(value) || !Array.isArray(value.verdicts))
      return { ok: false, error: 'the answer has no "verdicts" list' };
    if (value.verdicts.length !== count) {
      return { ok: false, error: `expected ${count} verdicts (one per claim), got ${value.verdicts.length}` };
    }
    const out: (ClaimVerdict | undefined)[] = new Array(count).fill(undefined);
    for (const [i, v] of value.verdicts.entries()) {
      if (!isObject(v)) return { ok: false, error: `verdicts[${i}] is not an object` };
      const status = typeof v.verdict === 'string' ? v.verdict.trim().toLowerCase() : '';
      if (status !== 'supported' && status !== 'unsupported' && status !== 'contradicted') {
        return { ok: false, error: `verdicts[${i}].verdict must be supported, unsupported or contradicted` };
      }
      const n = num(v.claim);
      const at = n !== undefined && Number.isInteger(n) && n >= 1 && n <= count ? n - 1 : i;
      if (out[at]) return { ok: false, error: `claim ${at + 1} has two verdicts` };
      out[at] = { status, reasoning: reasoningOf(v) };
    }
    return { ok: true, value: out as ClaimVerdict[] };
  };
}

/** The verdict format shown to the judge, as JSON with placeholders. */
export function rubricFormat(dimensions: string[], scales: Record<string, Scale>): string {
  const range = (d: string) => `<integer ${scales[d]!.min}-${scales[d]!.max}>`;
  if (dimensions.length === 1) return `{"reasoning": "<your reasoning>", "score": ${range(dimensions[0]!)}}`;
  return `{"reasoning": "<your reasoning>", "scores": {${dimensions.map((d) => `"${d}": ${range(d)}`).join(', ')}}}`;
}

export const PAIRWISE_FORMAT = '{"reasoning": "<your reasoning>", "winner": "A" | "B" | "tie"}';
export const CLAIMS_FORMAT = '{"claims": ["<claim>", ...]}';
export const VERIFY_FORMAT =
  '{"verdicts": [{"claim": <claim number>, "reasoning": "<why>", "verdict": "supported" | "unsupported" | "contradicted"}, ...]}';
