import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssayError } from '../core/errors.js';
import type { ChatMessage } from '../core/provider.js';
import { compileTemplate } from '../templates/render.js';
import { sha256 } from '../util/hash.js';

/** The built-in judge prompts, one `<name>.<version>.njk` file each in `src/judge/prompts/`. */
export const BUILTIN_PROMPTS = {
  rubric: 'v1',
  pairwise: 'v1',
  'factuality-claims': 'v1',
  'factuality-verify': 'v1',
  // promptfoo's RAG grading prompts, kept word for word so its suites grade the same.
  'context-recall': 'v1',
  'answer-relevance': 'v1',
  'faithfulness-statements': 'v1',
  'faithfulness-nli': 'v1',
  // promptfoo's llm-rubric, model-graded-closedqa and factuality prompts, word for word.
  'llm-rubric': 'v1',
  closedqa: 'v1',
  'factuality-categories': 'v1',
} as const;

export type BuiltinPrompt = keyof typeof BUILTIN_PROMPTS;

/** What goes into the run's provenance for each judge prompt: enough to know exactly what was asked. */
export interface JudgePromptRecord {
  evaluator: string;
  template: string;
  /** `v1`… for a built-in template, `custom` for the user's own. */
  version: string;
  /** First 16 hex digits of the template text's SHA-256. */
  hash: string;
  /** `builtin`, `inline`, or the file the template was read from. */
  source: string;
  text: string;
}

export interface JudgePrompt {
  record: Omit<JudgePromptRecord, 'evaluator'>;
  /**
   * Renders the chat messages: the text before a line `--- user ---` is the system message; with
   * nothing after that line, the system message is sent alone.
   */
  render(scope: Record<string, unknown>): ChatMessage[];
}

const TEMPLATE_EXT = /\.(njk|jinja2?|txt|md)$/i;
const SPLIT = /^--- user ---[ \t]*$/m;

/**
 * The prompts folder, from `src/judge/` (tests, tsx) and from `dist/judge/` (the built package,
 * which ships `src/judge/prompts` beside `dist`) alike.
 */
function promptsDir(): string {
  const candidates = [
    new URL('../../src/judge/prompts/', import.meta.url),
    new URL('./prompts/', import.meta.url),
  ];
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (existsSync(dir)) return dir;
  }
  throw new AssayError('module.load', `judge prompts folder not found (looked in ${candidates.join(', ')})`);
}

const builtinCache = new Map<string, string>();

function builtinText(name: BuiltinPrompt): { text: string; version: string } {
  const version = BUILTIN_PROMPTS[name];
  const file = `${name}.${version}.njk`;
  let text = builtinCache.get(file);
  if (text === undefined) {
    text = readFileSync(resolve(promptsDir(), file), 'utf8');
    builtinCache.set(file, text);
  }
  return { text, version };
}

/**
 * A judge prompt: the built-in template `name`, or the user's override — a template file (`.njk`,
 * `.txt`, `.md`, `.jinja`, resolved against `baseDir`) or inline template text. Custom templates see
 * the same variables as the built-in one (documented in docs/judge.md).
 */
export function loadJudgePrompt(
  name: BuiltinPrompt,
  override: string | undefined,
  baseDir: string,
): JudgePrompt {
  let text: string;
  let version: string;
  let source: string;
  if (override === undefined) {
    ({ text, version } = builtinText(name));
    source = 'builtin';
  } else if (!override.includes('\n') && TEMPLATE_EXT.test(override)) {
    const file = resolve(baseDir, override);
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new AssayError(
        'evaluator.invalid',
        `cannot read judge prompt ${file}: ${(error as Error).message}`,
        {
          field: 'prompt',
          cause: error,
        },
      );
    }
    version = 'custom';
    source = override;
  } else {
    text = override;
    version = 'custom';
    source = 'inline';
  }
  const compiled = compileTemplate(text, `judge prompt ${name}${version === 'custom' ? ` (${source})` : ''}`);
  return {
    record: { template: name, version, hash: sha256(text).slice(0, 16), source, text },
    render(scope) {
      const rendered = compiled(scope);
      const parts = rendered.split(SPLIT);
      if (parts.length < 2) return [{ role: 'user', content: rendered.trim() }];
      const system = parts[0]!.trim();
      const user = parts.slice(1).join('\n').trim();
      if (!system) return [{ role: 'user', content: user }];
      if (!user) return [{ role: 'system', content: system }];
      return [
        { role: 'system', content: system },
        { role: 'user', content: user },
      ];
    },
  };
}
