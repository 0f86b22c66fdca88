import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { AssayError } from '../core/errors.js';
import { formatPath } from '../core/field-path.js';
import { convertPromptfoo, isPromptfooConfig } from '../promptfoo/convert.js';
import { contentHash } from '../util/hash.js';
import { importOptional } from '../util/optional-package.js';
import { readTextFile } from '../util/text-file.js';
import { envValuesUsed, interpolateEnv } from './env.js';
import { type Config, configSchema, type Prompt, targetSchemaFor } from './schema.js';

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the config file. */
  file: string;
  /** Relative paths in the config are resolved against this folder. */
  baseDir: string;
  /** Hash of the config as written (before `${VAR}`s are filled in, so no secret enters it). */
  hash: string;
  /** The `${VAR}`s the config names and their values: to be redacted from anything stored. */
  secrets?: Record<string, string>;
  /** The line of a field in the config file (for cases written in the config). */
  lineOf?: LineOf;
}

export const DEFAULT_CONFIG_NAMES = [
  'assay.yaml',
  'assay.yml',
  'assay.config.ts',
  'assay.config.js',
  'assay.config.mjs',
];

/** Finds the config: the given path, or the first default name in `cwd`. */
export function findConfig(path: string | undefined, cwd: string): string {
  if (path) {
    const file = resolve(cwd, path);
    if (!existsSync(file)) throw new AssayError('config.missing', 'config file not found', { file: path });
    return file;
  }
  for (const name of DEFAULT_CONFIG_NAMES) {
    const file = resolve(cwd, name);
    if (existsSync(file)) return file;
  }
  throw new AssayError(
    'config.missing',
    `no assay.yaml here (${cwd}); pass -c FILE or run "assay init" to write a starter suite`,
  );
}

export type LineOf = (path: (string | number)[]) => number | undefined;

export async function readRaw(file: string): Promise<{ raw: unknown; lineOf: LineOf }> {
  const ext = extname(file);
  if (ext === '.yaml' || ext === '.yml' || ext === '.json') {
    const text = await readTextFile(file, (why) => new AssayError('config.invalid', why, { file }));
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    const problem = doc.errors[0];
    if (problem) {
      // With prettyErrors off, yaml leaves linePos unset: the line comes from the offset.
      const line = problem.linePos?.[0]?.line ?? lineCounter.linePos(problem.pos[0]).line;
      throw new AssayError('config.invalid', problem.message.split('\n')[0]!, {
        file,
        ...(line ? { line } : {}),
      });
    }
    return { raw: doc.toJS(), lineOf: lineFinder(doc, lineCounter) };
  }
  const mod = await importModule(file);
  const raw = (mod as { default?: unknown }).default ?? (mod as { config?: unknown }).config;
  if (raw === undefined) {
    throw new AssayError('config.invalid', 'the module must export the config as default (or as "config")', {
      file,
    });
  }
  return { raw: typeof raw === 'function' ? await (raw as () => unknown)() : raw, lineOf: () => undefined };
}

function lineFinder(doc: Document, lineCounter: LineCounter): LineOf {
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      // The key's line when the field is a key of a mapping: a block value starts a line later.
      const parent = n > 0 ? doc.getIn(path.slice(0, n - 1), true) : undefined;
      const pair = isMap(parent)
        ? parent.items.find((p) => isScalar(p.key) && p.key.value === path[n - 1])
        : undefined;
      const node = isNode(pair?.key) ? pair.key : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

/** Imports a JS or TS module; TypeScript goes through tsx, loaded only when needed. */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  try {
    if (/\.(c|m)?ts$/.test(file)) {
      const { tsImport } = await importOptional('tsx', () => import('tsx/esm/api'));
      const mod = (await tsImport(url, import.meta.url)) as Record<string, unknown>;
      // Outside a "type": "module" package, tsx compiles TypeScript to CommonJS, and the ES default
      // export then sits one level down, at `default.default`.
      const inner = mod.default as { __esModule?: unknown; default?: unknown } | undefined;
      return inner && typeof inner === 'object' && inner.__esModule
        ? { ...mod, default: inner.default }
        : mod;
    }
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const why = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    // A missing optional package already says what to install; keep the file it was needed for.
    const reason = error instanceof AssayError ? why : `cannot load module: ${why}`;
    throw new AssayError('module.load', reason, { file, cause: error });
  }
}

export function zodFailure(
  error: z.ZodError,
  file: string,
  lineOf: LineOf,
  prefix: (string | number)[] = [],
): never {
  const issue = error.issues[0]!;
  const path = [...prefix, ...(issue.path as (string | number)[])];
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    message = `unknown key(s): ${issue.keys.join(', ')}`;
    // Point at the (first) unknown key itself, not at the mapping that holds it.
    path.push(issue.keys[0]!);
  }
  const line = lineOf(path);
  throw new AssayError('config.invalid', message, {
    file,
    field: formatPath(path) || undefined,
    ...(line ? { line } : {}),
  });
}

/**
 * Loads and validates a config: YAML, or a JS/TS module exporting the same object. `env` fills in
 * `${VAR}`s; it is the only place the environment is read.
 */
export async function loadConfig(
  file: string,
  env: Record<string, string | undefined>,
): Promise<LoadedConfig> {
  const read = await readRaw(file);
  let { raw, lineOf } = read;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new AssayError('config.invalid', 'the config must be a mapping of keys (description, dataset, …)', {
      file,
    });
  }
  const hash = contentHash(raw).slice(0, 16);
  if (isPromptfooConfig(raw, file)) {
    // A promptfoo suite runs as the Assay config it converts to; its own lines do not apply to that.
    raw = (await convertPromptfoo(raw as Record<string, unknown>, file, lineOf, env)).config;
    lineOf = () => undefined;
  }
  const filled = interpolateEnv(raw, env, file, [], lineOf);
  const parsed = configSchema.safeParse(filled);
  if (!parsed.success) zodFailure(parsed.error, file, lineOf);
  const targets = parsed.data.targets.map((t, i) => {
    const result = targetSchemaFor(t.provider).safeParse(t);
    if (!result.success) zodFailure(result.error, file, lineOf, ['targets', i]);
    return result.data;
  });
  const ids = new Set<string>();
  targets.forEach((t, i) => {
    const id = t.id ?? ('module' in t ? t.module : 'url' in t ? t.url : t.provider);
    if (ids.has(id))
      zodFailure(duplicate(`duplicate target id "${id}"; give each target an id`), file, lineOf, [
        'targets',
        i,
      ]);
    ids.add(id);
  });
  const config = { ...parsed.data, targets } as Config;
  return { config, file, baseDir: dirname(file), hash, secrets: envValuesUsed(raw, env), lineOf };
}

function duplicate(message: string): z.ZodError {
  return { issues: [{ code: 'custom', path: ['id'], message }] } as unknown as z.ZodError;
}

const TEMPLATE_FILE = /\.(njk|jinja2?|j2|txt|md|prompt)$/i;

/** A prompt that names a template file is read from it, relative to the config. */
export async function resolvePrompt(
  prompt: Prompt | undefined,
  baseDir: string,
): Promise<{ prompt: Prompt; file?: string } | undefined> {
  if (prompt === undefined) return undefined;
  if (typeof prompt === 'string' && TEMPLATE_FILE.test(prompt.trim()) && !prompt.includes('\n')) {
    const file = resolve(baseDir, prompt.trim());
    try {
      return { prompt: await readFile(file, 'utf8'), file };
    } catch {
      throw new AssayError('config.invalid', `prompt file not found: ${file}`, { field: 'prompt' });
    }
  }
  return { prompt };
}
