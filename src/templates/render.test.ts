import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { compileDeep, compileTemplate } from './render.js';

function renderError(fn: () => unknown): AssayError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AssayError);
    return error as AssayError;
  }
  throw new Error('expected a render error');
}

describe('compileTemplate', () => {
  it('renders variables, filters and loops (Jinja syntax)', () => {
    const render = compileTemplate('Q: {{ question | upper }}{% for s in sources %} [{{ s }}]{% endfor %}');
    expect(render({ question: 'why', sources: ['a', 'b'] })).toBe('Q: WHY [a] [b]');
  });

  it('does not HTML-escape: prompts are text, not markup', () => {
    expect(compileTemplate('{{ x }}')({ x: '<b> & "q"' })).toBe('<b> & "q"');
  });

  it('plain text skips the engine', () => {
    expect(compileTemplate('no tags here')({})).toBe('no tags here');
  });

  it('an undefined variable is an error naming it, not an empty string', () => {
    const e = renderError(() => compileTemplate('Hello {{ nme }}', 'prompt')({ name: 'x' }));
    expect(e.code).toBe('template.render');
    expect(e.message).toMatch(/^prompt: /);
    expect(e.message).toMatch(/undefined|null/);
    expect(e.message).not.toContain('\n');
  });

  it('an undefined attribute is an error too', () => {
    expect(() => compileTemplate('{{ a.b }}')({ a: {} })).toThrow(AssayError);
  });

  it('a default filter is how a variable is made optional', () => {
    expect(compileTemplate('{{ x | default("none") }}')({})).toBe('none');
  });

  it('a syntax error is reported when compiling, in one line', () => {
    const e = renderError(() => compileTemplate('{% if x %}never closed', 'prompt')({ x: 1 }));
    expect(e.code).toBe('template.render');
    expect(e.message).not.toContain('\n');
  });
});

describe('compileDeep', () => {
  it('a lone {{ var }} keeps its type; mixed text becomes a string', () => {
    const render = compileDeep({
      list: '{{ items }}',
      n: '{{ meta.count }}',
      text: 'n={{ meta.count }}',
      k: 3,
    });
    expect(render({ items: [1, 2], meta: { count: 5 } })).toEqual({ list: [1, 2], n: 5, text: 'n=5', k: 3 });
  });

  it('an undefined path is an error naming the field', () => {
    const e = renderError(() => compileDeep({ a: ['{{ missing.x }}'] }, 'body')({}));
    expect(e.message).toBe('body.a[0]: missing.x is undefined');
  });
});

describe('undefined variables', () => {
  it('names the variable a template lacks', () => {
    const render = compileTemplate('Q: {{ question }} ({{ tags.segment }})', 'prompt');
    expect(() => render({ question: 'x', tags: {} })).toThrow('prompt: undefined variable tags.segment');
    expect(() => render({ tags: { segment: 'pro' } })).toThrow('prompt: undefined variable question');
  });
});
