import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { modelSpec } from './graded.js';
import { isObject, type Place, type Problems, unknownKeys } from './problems.js';

type Message = { role: 'system' | 'user' | 'assistant'; content: string };

/** A promptfoo prompt, read: template text or chat messages, with the label it goes by. */
export interface ReadPrompt {
  label: string;
  prompt: string | Message[];
}

/**
 * Reads `prompts`: inline strings, `file://` text files (several prompts split by a `---` line),
 * `file://` JSON chat files, `{ raw | id, label }` objects, or a list of these.
 */
export async function readPrompts(
  raw: unknown,
  baseDir: string,
  at: Place,
  problems: Problems,
  lineOf: (path: (string | number)[]) => number | undefined = () => undefined,
): Promise<ReadPrompt[]> {
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (list.length === 0)
    problems.add(at, '"prompts" is missing: a promptfoo suite needs at least one prompt');
  const out: ReadPrompt[] = [];
  for (const [i, item] of list.entries()) {
    const line = (Array.isArray(raw) ? lineOf(['prompts', i]) : undefined) ?? at.line;
    const here = { ...at, ...(line ? { line } : {}), field: `${at.field}[${i}]` };
    let text: string | undefined;
    let label: string | undefined;
    if (typeof item === 'string') text = item;
    else if (isObject(item)) {
      unknownKeys(item, ['raw', 'id', 'label'], here, problems, 'prompt');
      text = typeof item.raw === 'string' ? item.raw : typeof item.id === 'string' ? item.id : undefined;
      label = typeof item.label === 'string' ? item.label : undefined;
    }
    if (text === undefined) {
      problems.add(here, 'a prompt must be a string, file://path or { raw | id, label }');
      continue;
    }
    if (!text.startsWith('file://')) {
      out.push({ label: label ?? short(text), prompt: chatOrText(text) });
      continue;
    }
    const path = text.slice(7);
    const ext = extname(path).toLowerCase();
    if (!['.txt', '.md', '.j2', '.njk', '.json', '.prompt'].includes(ext)) {
      problems.add(
        here,
        `prompt file "${path}" (${ext || 'no extension'}): Assay reads text and JSON chat prompts`,
      );
      continue;
    }
    let content: string;
    try {
      content = await readFile(resolve(baseDir, path), 'utf8');
    } catch {
      problems.add(here, `prompt file not found: ${path}`);
      continue;
    }
    if (ext === '.json') {
      const chat = chatOrText(content);
      if (typeof chat === 'string')
        problems.add(here, `${path} is not a JSON list of {role, content} messages`);
      else out.push({ label: label ?? path, prompt: chat });
      continue;
    }
    const parts = content.split(/^---$/m).map((p) => p.trim());
    for (const [j, p] of parts.entries()) {
      out.push({ label: label ?? (parts.length > 1 ? `${path}#${j + 1}` : path), prompt: chatOrText(p) });
    }
  }
  return out;
}

/** A prompt whose text is a JSON list of chat messages is a chat prompt, as in promptfoo. */
function chatOrText(text: string): string | Message[] {
  const t = text.trim();
  if (!t.startsWith('[')) return text;
  try {
    const parsed: unknown = JSON.parse(t);
    const ok =
      Array.isArray(parsed) &&
      parsed.length > 0 &&
      parsed.every(
        (m) =>
          isObject(m) &&
          typeof m.content === 'string' &&
          ['system', 'user', 'assistant'].includes(String(m.role)),
      );
    return ok ? (parsed as Message[]).map((m) => ({ role: m.role, content: m.content })) : text;
  } catch {
    return text;
  }
}

function short(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 40 ? `${one.slice(0, 40)}…` : one;
}

const PARAM_KEYS = ['temperature', 'max_tokens', 'top_p', 'seed', 'stop', 'tools', 'tool_choice'];
const MODEL_KEYS = ['apiBaseUrl', 'apiKey', 'headers', ...PARAM_KEYS];
const JS_FILE = /\.(js|cjs|mjs|ts|cts|mts)$/i;

/** One promptfoo provider as the target fields Assay needs (without prompt and id). */
export interface ReadProvider {
  label: string;
  target: Record<string, unknown>;
  /** An http provider sends the prompt in its body (`{{prompt}}`), not as chat messages. */
  http: boolean;
  /** `config.tools`, which `is-valid-openai-tools-call` checks the calls against. */
  tools?: unknown;
}

/**
 * Reads `providers`: `openai:chat:<model>`, `openai:<model>`, `anthropic:messages:<model>`,
 * `http` (`config.url`, `method`, `headers`, `body`, a `transformResponse` path) and custom
 * `file://provider.js` classes (`.mjs`, `.cjs`, `.ts` too), as strings or `{ id, label, config }`. Keys and base URLs come from the environment variables promptfoo reads
 * (OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL) unless the config names them.
 */
export function readProviders(
  raw: unknown,
  at: Place,
  problems: Problems,
  env: Record<string, string | undefined> = {},
  lineOf: (path: (string | number)[]) => number | undefined = () => undefined,
  baseDir = '.',
): ReadProvider[] {
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (list.length === 0)
    problems.add(at, '"providers" is missing: a promptfoo suite needs at least one provider');
  const out: ReadProvider[] = [];
  for (const [i, item] of list.entries()) {
    const line = (Array.isArray(raw) ? lineOf(['providers', i]) : undefined) ?? at.line;
    const here = { ...at, ...(line ? { line } : {}), field: `${at.field}[${i}]` };
    const p = typeof item === 'string' ? { id: item } : isObject(item) ? item : undefined;
    if (!p || typeof p.id !== 'string') {
      problems.add(here, 'a provider must be an id string or { id, label, config }');
      continue;
    }
    unknownKeys(p, ['id', 'label', 'config'], here, problems, 'provider');
    const config = isObject(p.config) ? p.config : {};
    const label = typeof p.label === 'string' ? p.label : p.id;
    const id = p.id;
    if (id === 'http' || id.startsWith('http://') || id.startsWith('https://')) {
      const target = httpTarget(id, config, { ...here, field: `${here.field}.config` }, problems);
      if (target) out.push({ label, target, http: true });
      continue;
    }
    const tools = config.tools;
    if (id.startsWith('file://') && /\.(js|cjs|mjs|ts|cts|mts):[\w$]+$/i.test(id)) {
      problems.add(
        here,
        `provider "${id}": promptfoo loads a provider file's default export only (no :function)`,
      );
      continue;
    }
    if (id.startsWith('file://') && JS_FILE.test(id)) {
      const file = id.slice(7);
      if (!existsSync(resolve(baseDir, file)))
        problems.add(here, `provider "${id}": file not found: ${resolve(baseDir, file)}`);
      else
        out.push({
          label,
          http: false,
          target: {
            provider: 'function',
            module: `${file}#default`,
            promptfooProvider: { id, config },
          },
          ...(tools === undefined ? {} : { tools }),
        });
      continue;
    }
    const model = /^openai:(?:chat:)?([^:]+)$/.exec(id) ?? /^anthropic:messages:(.+)$/.exec(id);
    if (!model || id === 'openai:chat') {
      problems.add(
        here,
        `provider "${id}" (Assay imports openai:chat:<model>, openai:<model>, anthropic:messages:<model>, http and file://provider.js)`,
      );
      continue;
    }
    unknownKeys(config, MODEL_KEYS, { ...here, field: `${here.field}.config` }, problems, 'provider config');
    const params = Object.fromEntries(
      PARAM_KEYS.filter((k) => config[k] !== undefined).map((k) => [k, config[k]]),
    );
    if (typeof tools === 'string')
      problems.add({ ...here, field: `${here.field}.config.tools` }, 'tools from a file (write them inline)');
    out.push({
      label,
      http: false,
      ...(tools === undefined ? {} : { tools }),
      target: {
        provider: modelSpec(id),
        ...baseUrlOf(id, config, env),
        ...(typeof config.apiKey === 'string' ? { apiKey: config.apiKey } : {}),
        ...(isObject(config.headers) ? { headers: config.headers } : {}),
        ...(Object.keys(params).length ? { params } : {}),
      },
    });
  }
  return out;
}

/** `config.apiBaseUrl`, else the environment variable promptfoo reads for that API. */
function baseUrlOf(id: string, config: Record<string, unknown>, env: Record<string, string | undefined>) {
  if (typeof config.apiBaseUrl === 'string') return { baseURL: config.apiBaseUrl };
  const fromEnv = id.startsWith('openai:')
    ? (env.OPENAI_BASE_URL ?? env.OPENAI_API_BASE_URL)
    : env.ANTHROPIC_BASE_URL;
  return fromEnv ? { baseURL: fromEnv } : {};
}

function httpTarget(
  id: string,
  config: Record<string, unknown>,
  at: Place,
  problems: Problems,
): Record<string, unknown> | undefined {
  unknownKeys(
    config,
    ['url', 'method', 'headers', 'body', 'transformResponse'],
    at,
    problems,
    'http provider config',
  );
  const url = typeof config.url === 'string' ? config.url : id === 'http' ? undefined : id;
  if (!url) {
    problems.add({ ...at, field: `${at.field}.url` }, 'an http provider needs config.url');
    return undefined;
  }
  let output: string | undefined;
  const t = config.transformResponse;
  if (t !== undefined) {
    // A path into the JSON answer (`json.answer.text`, `json.choices[0].message.content`) is what
    // Assay's http target reads; code is not carried over.
    const m = typeof t === 'string' ? /^json((?:\.[A-Za-z_$][\w$]*|\[\d+\])*)$/.exec(t.trim()) : null;
    if (!m) {
      problems.add(
        { ...at, field: `${at.field}.transformResponse` },
        'transformResponse other than a path into the JSON (json.a.b, json.list[0].c)',
      );
      return undefined;
    }
    output = m[1]!.replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '') || undefined;
  }
  return {
    provider: 'http',
    url,
    ...(typeof config.method === 'string' ? { method: config.method.toUpperCase() } : {}),
    ...(isObject(config.headers) ? { headers: config.headers } : {}),
    ...(config.body === undefined ? {} : { body: config.body }),
    ...(output ? { output } : {}),
  };
}
