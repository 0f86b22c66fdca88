import { z } from 'zod';
import type { ChatMessage } from '../core/provider.js';
import type { Score } from '../core/score.js';
import { type EvaluatorFactory, parseOptions } from '../evaluators/factory.js';
import { askJudge, type JudgeAnswer } from './ask-judge.js';
import { block, boundaryFor } from './blocks.js';
import { compileOption, requestText } from './case-view.js';
import { type Grounding, groundingFor } from './grounding.js';
import type { Judge } from './judge-spec.js';
import { setupJudge } from './setup.js';
import type { VerdictCheck } from './verdict.js';
import {
  CLAIMS_FORMAT,
  type ClaimVerdict,
  claimsCheck,
  VERIFY_FORMAT,
  verifyCheck,
} from './verdict-shapes.js';

const schema = z.strictObject({
  type: z.string(),
  name: z.string().optional(),
  judge: z.unknown().optional(),
  /** Pass at or above this supported fraction (default 1: every claim supported). */
  threshold: z.number().min(0).max(1).default(1),
  /** Check against one kind only (default: sources, else expected, else retrieved contexts). */
  groundIn: z.enum(['sources', 'expected', 'contexts']).optional(),
  input: z.string().optional(),
  /** Claims checked per judge call. */
  batchSize: z.number().int().positive().default(20),
  allowSameFamily: z.boolean().default(false),
  claimsPrompt: z.string().optional(),
  verifyPrompt: z.string().optional(),
});

type Checked = { claim: string } & ClaimVerdict;

/**
 * `factuality`: the judge lists the factual claims of the output, then checks each against the case's
 * sources (or its expected answer, or the contexts the target retrieved); the score is the supported
 * fraction and the reason lists the claims that are not supported.
 *
 * Use it for answers that must be grounded in documents (RAG, support bots). Not for creative or
 * opinion outputs, which make few checkable claims; an output with none gets no score (null).
 */
export const factuality: EvaluatorFactory = async (config, ctx) => {
  const o = parseOptions(schema, config);
  const name = o.name ?? 'factuality';
  const setup = await setupJudge(
    'factuality',
    name,
    o,
    { 'factuality-claims': o.claimsPrompt, 'factuality-verify': o.verifyPrompt },
    ctx,
  );
  const claimsPrompt = setup.prompts['factuality-claims']!;
  const verifyPrompt = setup.prompts['factuality-verify']!;
  const input = compileOption(o.input, 'input');

  return {
    name,
    judgePrompts: setup.records,
    async evaluate({ case: c, output, target, signal, models }) {
      const grounding = groundingFor(c, output, o.groundIn);
      if (!grounding) {
        const message =
          'nothing to check the claims against: the case has no sources or expected answer, and the output no contexts';
        return { evaluator: name, value: null, pass: null, error: message, reason: message };
      }
      const request = requestText(c, output, input);
      const ask = <T>(judge: Judge, messages: ChatMessage[], check: VerdictCheck<T>) =>
        askJudge({ judge, messages, check, ...(models ? { models } : {}), ...(signal ? { signal } : {}) });

      const perJudge = await Promise.all(
        setup.judges.map(async (judge) => {
          const boundary = boundaryFor([request, output.text]);
          const listed = await ask(
            judge,
            claimsPrompt.render({
              request: block('request', boundary, request),
              response: block('response', boundary, output.text),
              boundary,
              format: CLAIMS_FORMAT,
            }),
            claimsCheck,
          );
          const answers: JudgeAnswer<unknown>[] = [listed];
          if (!listed.ok) return { answers, error: listed.error };
          const checked: Checked[] = [];
          for (let i = 0; i < listed.verdict.length; i += o.batchSize) {
            const batch = listed.verdict.slice(i, i + o.batchSize);
            const vb = boundaryFor([grounding.docs, batch]);
            const verified = await ask(
              judge,
              verifyMessages(verifyPrompt.render, grounding, batch, vb),
              verifyCheck(batch.length),
            );
            answers.push(verified);
            if (!verified.ok) return { answers, error: verified.error };
            for (const [k, v] of verified.verdict.entries()) checked.push({ claim: batch[k]!, ...v });
          }
          return { answers, checked };
        }),
      );
      const base = {
        ...setup.details(
          target,
          perJudge.flatMap((p) => p.answers),
        ),
        grounding: grounding.kind,
        ...(grounding.missing.length ? { missingSources: grounding.missing } : {}),
      };
      return factualityScore(name, o.threshold, perJudge, setup.judges, base);
    },
  };
};

function verifyMessages(
  render: (scope: Record<string, unknown>) => ChatMessage[],
  grounding: Grounding,
  claims: string[],
  boundary: string,
): ChatMessage[] {
  const sources = grounding.docs
    .map((d, i) => block('source', boundary, d.text, `id=${JSON.stringify(d.id ?? String(i + 1))}`))
    .join('\n\n');
  const numbered = claims.map((c, i) => `${i + 1}. ${c}`).join('\n');
  return render({
    sources,
    claims: block('claims', boundary, numbered),
    count: claims.length,
    boundary,
    format: VERIFY_FORMAT,
  });
}

function factualityScore(
  evaluator: string,
  threshold: number,
  perJudge: { checked?: Checked[]; error?: string }[],
  judges: Judge[],
  base: Record<string, unknown>,
): Score {
  const good = perJudge.flatMap((p, i) => (p.checked ? [{ judge: judges[i]!.id, checked: p.checked }] : []));
  const errors = perJudge.flatMap((p, i) => (p.error ? [{ judge: judges[i]!.id, error: p.error }] : []));
  if (good.length === 0) {
    const message = errors.map((e) => e.error).join('; ');
    return { evaluator, value: null, pass: null, error: message, reason: message, details: base };
  }
  const perGood = good.map((g) => ({
    judge: g.judge,
    score: g.checked.length
      ? g.checked.filter((c) => c.status === 'supported').length / g.checked.length
      : null,
    claims: g.checked.length,
  }));
  const fractions = perGood.flatMap((p) => (p.score === null ? [] : [p.score]));
  const shown = good[0]!.checked;
  const details: Record<string, unknown> = {
    ...base,
    claims: shown,
    ...(good.length > 1 ? { judges: perGood } : {}),
    ...(errors.length ? { judgeErrors: errors } : {}),
  };
  if (fractions.length === 0)
    return { evaluator, value: null, pass: null, reason: 'the output makes no factual claim', details };
  const value = fractions.reduce((s, f) => s + f, 0) / fractions.length;
  const bad = shown.filter((c) => c.status !== 'supported');
  const supported = shown.length - bad.length;
  const listed = bad
    .map((c) => `"${c.claim}" (${c.status}${c.reasoning ? `: ${c.reasoning}` : ''})`)
    .join('; ');
  const over = good.length > 1 ? ` (mean of ${good.length} judges: ${value.toFixed(2)})` : '';
  return {
    evaluator,
    value,
    pass: value >= threshold,
    reason: `${supported}/${shown.length} claims supported${over}${bad.length ? `; not supported: ${listed}` : ''}`,
    details: { ...details, supported, total: shown.length },
  };
}
