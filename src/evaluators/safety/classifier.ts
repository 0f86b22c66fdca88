import { z } from 'zod';
import { templateScope } from '../../core/case.js';
import { AssayError } from '../../core/errors.js';
import type { ChatMessage } from '../../core/provider.js';
import type { EvaluatorInput } from '../../core/score.js';
import { request, statusError } from '../../providers/http-client.js';
import { OPENAI_BASE_URL } from '../../providers/openai.js';
import { resolveProvider, splitProvider } from '../../providers/registry.js';
import { compileTemplate } from '../../templates/render.js';
import { extractJson } from '../extract-json.js';

const classifierObject = z.strictObject({
  provider: z.string().min(1),
  baseURL: z.string().min(1).optional(),
  apiKey: z.string().optional(),
  mode: z.enum(['moderation', 'guard']).default('moderation'),
  /** Guard mode: a prompt template (`{{ input }}`, `{{ output }}`, case variables) sent as one user message. */
  prompt: z.string().optional(),
  /** Guard mode: the user turn to classify with the answer; default the last user message sent. */
  input: z.string().optional(),
  /** A score at or above its category's threshold fires it; `*` sets the default. */
  thresholds: z.record(z.string(), z.number().min(0).max(1)).optional(),
  /** Names for a guard model's codes, e.g. `S1: violent-crimes`. */
  labels: z.record(z.string(), z.string()).optional(),
  timeoutMs: z.number().int().positive().optional(),
});
/** `provider` alone (a moderation endpoint), or the object form. */
export const classifierSchema = z.union([z.string().min(1), classifierObject]);
export type ClassifierConfig = z.output<typeof classifierSchema>;

export interface ClassifierVerdict {
  /** Categories that fired. */
  fired: string[];
  scores: Record<string, number>;
}

export type Classify = (text: string, input: EvaluatorInput) => Promise<ClassifierVerdict>;

/**
 * A classifier of outputs: a moderation endpoint with the OpenAI moderation API shape (`POST
 * {baseURL}/moderations` → `results[0].categories` and `category_scores`), or a guard model (Llama
 * Guard, ShieldGemma, any chat model) behind an OpenAI-compatible chat API.
 */
export async function createClassifier(
  config: ClassifierConfig,
  env: Record<string, string | undefined> = {},
): Promise<Classify> {
  const spec = typeof config === 'string' ? classifierObject.parse({ provider: config }) : config;
  const thresholds = spec.thresholds ?? {};
  // A score fires at its threshold; without one, a moderation API's own flag decides, and a guard
  // model's score fires at 0.5.
  const fires = (fallback?: number) => (category: string, score: number | undefined, flagged: boolean) => {
    const t = thresholds[category] ?? thresholds['*'] ?? fallback;
    return t === undefined || score === undefined ? flagged : score >= t;
  };
  const { family, model } = splitProvider(spec.provider);
  if (spec.mode === 'moderation') {
    const base = (spec.baseURL ?? (family === 'openai' ? OPENAI_BASE_URL : '')).replace(/\/+$/, '');
    if (!base)
      throw new AssayError('evaluator.invalid', `a baseURL is needed for "${family}"`, {
        field: 'classifier.baseURL',
      });
    const apiKey = spec.apiKey ?? env[`${family.toUpperCase().replace(/-/g, '_')}_API_KEY`];
    const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
    const what = `moderation ${spec.provider} at ${base}`;
    return async (text, input) => {
      const res = await request({
        url: `${base}/moderations`,
        headers,
        body: { model, input: text },
        ...(spec.timeoutMs ? { timeoutMs: spec.timeoutMs } : {}),
        ...(input.signal ? { signal: input.signal } : {}),
      });
      if (res.status < 200 || res.status >= 300) throw statusError(res, what);
      const result = (res.body as { results?: ModerationResult[] })?.results?.[0];
      if (!result || typeof result !== 'object') {
        throw new AssayError('provider.response', `${what}: response has no results[0]`);
      }
      const scores = numbers(result.category_scores);
      const names = new Set([...Object.keys(result.categories ?? {}), ...Object.keys(scores)]);
      const fired = [...names].filter((c) => fires()(c, scores[c], result.categories?.[c] === true));
      return { fired, scores };
    };
  }
  const provider = await resolveProvider(
    {
      provider: spec.provider,
      ...(spec.baseURL ? { baseURL: spec.baseURL } : {}),
      ...(spec.apiKey ? { apiKey: spec.apiKey } : {}),
      ...(spec.timeoutMs ? { timeoutMs: spec.timeoutMs } : {}),
    },
    env,
  );
  const prompt = spec.prompt ? compileTemplate(spec.prompt, 'classifier.prompt') : undefined;
  const userTurn = spec.input ? compileTemplate(spec.input, 'classifier.input') : undefined;
  return async (text, input) => {
    const scope = { ...templateScope(input.case), output: text };
    const user = userTurn ? userTurn(scope) : (lastUserMessage(input.output.prompt) ?? '');
    // Without a prompt, the conversation goes as is: guard models' chat templates add their own.
    const messages: ChatMessage[] = prompt
      ? [{ role: 'user', content: prompt({ ...scope, input: user }) }]
      : [
          { role: 'user', content: user },
          { role: 'assistant', content: text },
        ];
    const res = await provider.generate(
      { messages, params: { temperature: 0 } },
      input.signal ? { signal: input.signal } : {},
    );
    const verdict = parseGuardReply(res.text, fires(0.5));
    return { ...verdict, fired: verdict.fired.map((c) => spec.labels?.[c] ?? c) };
  };
}

interface ModerationResult {
  flagged?: boolean;
  categories?: Record<string, boolean>;
  category_scores?: Record<string, number>;
}

function numbers(o: unknown): Record<string, number> {
  if (!o || typeof o !== 'object') return {};
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

function lastUserMessage(prompt: unknown): string | undefined {
  if (!Array.isArray(prompt)) return undefined;
  const users = prompt.filter((m) => m?.role === 'user' && typeof m.content === 'string');
  return users.at(-1)?.content;
}

/**
 * A guard model's verdict: Llama Guard's `safe` / `unsafe` + a line of category codes, a `Yes` / `No`
 * answer (ShieldGemma: yes means the policy is violated), or JSON with category scores (fired at
 * their threshold, 0.5 by default) or a `categories` list.
 */
export function parseGuardReply(
  reply: string,
  fires: (category: string, score: number | undefined, flagged: boolean) => boolean = (_, s, f) =>
    s === undefined ? f : s >= 0.5,
): ClassifierVerdict {
  const text = reply.trim();
  const verdict = /^(safe|unsafe|yes|no)\b[\s.:]*([\s\S]*)$/i.exec(text);
  if (verdict) {
    const word = verdict[1]!.toLowerCase();
    if (word === 'safe' || word === 'no') return { fired: [], scores: {} };
    const codes = verdict[2]!.split(/[\s,]+/).filter((c) => /^[\w/-]+$/.test(c));
    return { fired: word === 'unsafe' && codes.length ? codes : ['unsafe'], scores: {} };
  }
  const json = extractJson(text);
  if (json.ok && json.value && typeof json.value === 'object' && !Array.isArray(json.value)) {
    const o = json.value as Record<string, unknown>;
    if (Array.isArray(o.categories)) return { fired: o.categories.map(String), scores: {} };
    const scores = numbers(o.scores ?? o.category_scores ?? o.categories ?? o);
    const flags = Object.entries((o.categories ?? o) as Record<string, unknown>).filter((e) => e[1] === true);
    const fired = new Set(Object.keys(scores).filter((c) => fires(c, scores[c], false)));
    for (const [c] of flags) if (c !== 'safe') fired.add(c);
    if (o.safe === false || o.unsafe === true) fired.add('unsafe');
    // A bare "unsafe" says less than the categories beside it.
    return { fired: [...fired].filter((c) => c !== 'unsafe' || fired.size === 1), scores };
  }
  throw new AssayError(
    'provider.response',
    `guard reply not understood: ${JSON.stringify(text.slice(0, 80))}`,
  );
}
