import nunjucks from 'nunjucks';
import { AssayError } from '../core/errors.js';

/** A compiled template: call it with the variables of a case. */
export type Render = (scope: Record<string, unknown>) => string;

let env: nunjucks.Environment | undefined;

/** Jinja-compatible rendering; an undefined variable is an error, not an empty string. */
function environment(): nunjucks.Environment {
  env ??= new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
  return env;
}

const TAG = /\{\{|\{%|\{#/;

/**
 * Compiles a template once; rendering then costs a function call. Plain strings skip nunjucks.
 *
 * @example compileTemplate('Answer: {{ question }}')({ question: 'why?' }) // 'Answer: why?'
 */
export function compileTemplate(source: string, name = 'template'): Render {
  if (!TAG.test(source)) return () => source;
  let template: nunjucks.Template;
  try {
    template = new nunjucks.Template(source, environment(), name, true);
  } catch (error) {
    throw new AssayError('template.render', `${name}: ${cleanMessage(error)}`, { cause: error });
  }
  return (scope) => {
    try {
      return template.render(scope);
    } catch (error) {
      const missing = undefinedVariables(source, scope);
      const why = missing.length
        ? `undefined variable ${missing.join(', ')} (${cleanMessage(error)})`
        : cleanMessage(error);
      throw new AssayError('template.render', `${name}: ${why}`, { cause: error });
    }
  };
}

const OUTPUT_VAR = /\{\{-?\s*([A-Za-z_][\w]*)((?:\.[A-Za-z_]\w*)*)/g;

/**
 * The variables a failed render used but the scope lacks (`question`, `tags.segment`): nunjucks
 * says only "attempted to output null or undefined value".
 */
function undefinedVariables(source: string, scope: Record<string, unknown>): string[] {
  const missing = new Set<string>();
  for (const m of source.matchAll(OUTPUT_VAR)) {
    let v: unknown = scope;
    const path = [m[1]!, ...(m[2] ? m[2].slice(1).split('.') : [])];
    for (const [i, key] of path.entries()) {
      if (v === null || typeof v !== 'object' || (v as Record<string, unknown>)[key] === undefined) {
        missing.add(path.slice(0, i + 1).join('.'));
        break;
      }
      v = (v as Record<string, unknown>)[key];
    }
  }
  return [...missing];
}

/** A template that is exactly one `{{ var.path }}` keeps the variable's own type (object, number…). */
const SINGLE_VAR = /^\s*\{\{\s*([A-Za-z_][\w.]*)\s*\}\}\s*$/;

/**
 * Compiles every string inside a JSON-like value (an HTTP body, an evaluator's `value`).
 * `"{{ x }}"` alone yields x itself, not its string form, so lists and numbers survive.
 */
export function compileDeep(value: unknown, name = 'template'): (scope: Record<string, unknown>) => unknown {
  if (typeof value === 'string') {
    const single = SINGLE_VAR.exec(value);
    if (single) {
      const path = single[1]!.split('.');
      return (scope) => {
        let v: unknown = scope;
        for (const key of path) {
          if (v === null || typeof v !== 'object' || !(key in v)) {
            throw new AssayError('template.render', `${name}: ${single[1]} is undefined`);
          }
          v = (v as Record<string, unknown>)[key];
        }
        return v;
      };
    }
    const render = compileTemplate(value, name);
    return render;
  }
  if (Array.isArray(value)) {
    const parts = value.map((v, i) => compileDeep(v, `${name}[${i}]`));
    return (scope) => parts.map((p) => p(scope));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, compileDeep(v, `${name}.${k}`)] as const);
    return (scope) => Object.fromEntries(entries.map(([k, p]) => [k, p(scope)]));
  }
  return () => value;
}

function cleanMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // nunjucks prefixes "(unknown path)" and spreads the message over lines.
  return text
    .replace(/^\([^)]*\)\s*/, '')
    .replace(/\(unknown path\)\s*/g, '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/^Template render error:\s*/i, '')
    .trim();
}
