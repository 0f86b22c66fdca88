import type { ChatBody } from '../fake-openai-server.js';
import { blockContent, judgePrompt } from './helpers.js';

const words = (t: string) => new Set(t.toLowerCase().match(/[a-z]{4,}|\d+/g) ?? []);

/** Share of the reference's content words found in the response. */
function overlap(response: string, reference: string): number {
  const ref = words(reference);
  if (ref.size === 0) return 1;
  const got = words(response);
  let hit = 0;
  for (const w of ref) if (got.has(w)) hit++;
  return hit / ref.size;
}

/**
 * A deterministic stand-in for a judge model, speaking Assay's documented verdict formats: rubric
 * scores from word overlap with the reference, claims as sentences, a claim supported when its
 * content words are in the sources, pairwise preferring the closer answer. Enough to run the
 * examples end to end with no model.
 */
export function toyJudge(body: ChatBody): string {
  const { system, user, boundary } = judgePrompt(body);
  if (system.includes('You extract the factual claims')) {
    const response = blockContent(user, 'response', boundary) ?? '';
    return JSON.stringify({ claims: response.split(/(?<=[.!?])\s+/).filter((s) => /[a-z]{3}/i.test(s)) });
  }
  if (system.includes('You check claims against source documents')) {
    const sources = [...user.matchAll(/<source id="[^"]*" boundary="[0-9a-f]+">\n("(?:[^"\\]|\\.)*")/g)]
      .map((m) => JSON.parse(m[1]!) as string)
      .join(' ');
    const known = words(sources);
    const claims = (blockContent(user, 'claims', boundary) ?? '').split('\n');
    return JSON.stringify({
      verdicts: claims.map((line, i) => {
        const ok = [...words(line.replace(/^\d+\.\s*/, ''))].every((w) => known.has(w));
        return {
          claim: i + 1,
          reasoning: ok ? 'stated in the sources' : 'not in the sources',
          verdict: ok ? 'supported' : 'unsupported',
        };
      }),
    });
  }
  if (system.includes('compare two responses')) {
    const ref = blockContent(user, 'reference', boundary) ?? blockContent(user, 'request', boundary) ?? '';
    const a = overlap(blockContent(user, 'response', boundary, 'id="A"') ?? '', ref);
    const b = overlap(blockContent(user, 'response', boundary, 'id="B"') ?? '', ref);
    return JSON.stringify({
      reasoning: `overlap A ${a.toFixed(2)}, B ${b.toFixed(2)}`,
      winner: a === b ? 'tie' : a > b ? 'A' : 'B',
    });
  }
  const response = blockContent(user, 'response', boundary) ?? '';
  const reference =
    blockContent(user, 'reference', boundary) ?? blockContent(user, 'request', boundary) ?? '';
  const score = 1 + Math.round(4 * overlap(response, reference));
  const dims = [...user.matchAll(/"(\w+)": <integer/g)].map((m) => m[1]!).filter((d) => d !== 'score');
  const reasoning = `covers ${Math.round(overlap(response, reference) * 100)}% of the reference's content words`;
  return dims.length > 0
    ? JSON.stringify({ reasoning, scores: Object.fromEntries(dims.map((d) => [d, score])) })
    : JSON.stringify({ reasoning, score });
}
