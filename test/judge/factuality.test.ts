import { afterEach, describe, expect, it } from 'vitest';
import { type ChatBody, type FakeOpenAI, startFakeOpenAI } from '../fake-openai-server.js';
import { aCase, anOutput, blockContent, build, judgeAt, judgePrompt, scores } from './helpers.js';

let server: FakeOpenAI | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const words = (t: string) => t.toLowerCase().match(/[a-z]{4,}|\d+/g) ?? [];

/**
 * A literal-minded factuality judge: claims are the response's sentences; a claim is supported when
 * every word of four letters or more (and every number) in it appears in the sources.
 */
function literalJudge(body: ChatBody): string {
  const { system, user, boundary } = judgePrompt(body);
  if (system.includes('You extract the factual claims')) {
    const response = blockContent(user, 'response', boundary)!;
    return JSON.stringify({ claims: response.split(/(?<=\.)\s+/).filter((s) => /\w/.test(s)) });
  }
  const sources = [...user.matchAll(/<source id="[^"]*" boundary="[0-9a-f]+">\n("(?:[^"\\]|\\.)*")/g)]
    .map((m) => JSON.parse(m[1]!) as string)
    .join(' ');
  const known = new Set(words(sources));
  const claims = blockContent(user, 'claims', boundary)!.split('\n');
  const verdicts = claims.map((line, i) => {
    const ok = words(line.replace(/^\d+\.\s*/, '')).every((w) => known.has(w));
    return {
      claim: i + 1,
      reasoning: ok ? 'stated' : 'not in the sources',
      verdict: ok ? 'supported' : 'unsupported',
    };
  });
  return JSON.stringify({ verdicts });
}

const POLICY = 'Refunds are accepted within 30 days. You need the receipt.';

describe('factuality judge', () => {
  it('extracts claims, checks them against sources named by id in the retrieved contexts, lists the unsupported', async () => {
    server = await startFakeOpenAI({ reply: literalJudge });
    const e = await build({ type: 'factuality', judge: judgeAt(server.baseURL) });
    const [s] = await scores(e, {
      case: aCase({ sources: ['refund-policy'] }),
      output: anOutput(
        'Refunds are accepted within 30 days. You need the receipt. Refunds reach your card in 2 days.',
        {
          contexts: [
            { id: 'refund-policy', text: POLICY },
            { id: 'shipping', text: 'Shipping takes 2 days to your card address.' },
          ],
        },
      ),
    });
    expect(s!.value).toBeCloseTo(2 / 3);
    expect(s!.pass).toBe(false);
    expect(s!.reason).toMatch(
      /^2\/3 claims supported; not supported: "Refunds reach your card in 2 days\." \(unsupported/,
    );
    expect(s!.details).toMatchObject({ grounding: 'sources', supported: 2, total: 3, kind: 'factuality' });
    // Only the named source was shown, not every retrieved context; claims were checked in one call.
    expect(server.stats.chat).toBe(2);
    expect(judgePrompt(server.requests[1]!.body as ChatBody).user).not.toContain('Shipping');
  });

  it('falls back to the expected answer when the named sources were not retrieved, and says which were missing', async () => {
    server = await startFakeOpenAI({ reply: literalJudge });
    const e = await build({ type: 'factuality', judge: judgeAt(server.baseURL), threshold: 0.5 });
    const [s] = await scores(e, {
      case: aCase({ sources: ['refund-policy'], expected: POLICY }),
      output: anOutput('Refunds are accepted within 30 days.', { contexts: [] }),
    });
    expect(s).toMatchObject({ value: 1, pass: true });
    expect(s!.details).toMatchObject({ grounding: 'expected', missingSources: ['refund-policy'] });
  });

  it('checks against source texts given in the case, and against retrieved contexts when there is nothing else', async () => {
    server = await startFakeOpenAI({ reply: literalJudge });
    const e = await build({ type: 'factuality', judge: judgeAt(server.baseURL) });
    const [given] = await scores(e, {
      case: aCase({ sources: [{ id: 'p', text: POLICY }] }),
      output: anOutput('You need the receipt.'),
    });
    expect(given).toMatchObject({ value: 1, pass: true });
    const [ctx] = await scores(e, {
      output: anOutput('Refunds are accepted within 90 days.', { contexts: [{ text: POLICY }] }),
    });
    expect(ctx).toMatchObject({ value: 0, pass: false });
    expect(ctx!.details).toMatchObject({ grounding: 'contexts' });
  });

  it('gives no score (null, not an error) to an output with no claim, and an error when there is nothing to check against', async () => {
    server = await startFakeOpenAI({
      script: [{ content: '{"claims": []}' }],
    });
    const e = await build({ type: 'factuality', judge: judgeAt(server.baseURL) });
    const [none] = await scores(e, { case: aCase({ expected: POLICY }), output: anOutput('Happy to help!') });
    expect(none).toMatchObject({ value: null, pass: null, reason: 'the output makes no factual claim' });
    expect(none!.error).toBeUndefined();
    const [nothing] = await scores(e, { output: anOutput('Refunds take 30 days.') });
    expect(nothing!.error).toMatch(/nothing to check the claims against/);
  });
});
