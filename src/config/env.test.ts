// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are config text with ${VAR}s.
import { describe, expect, it } from 'vitest';
import type { AssayError } from '../core/errors.js';
import { formatPath } from '../core/field-path.js';
import { envValuesUsed, interpolateEnv } from './env.js';

describe('interpolateEnv', () => {
  it('replaces variables in every string, however deep, and leaves other values alone', () => {
    const out = interpolateEnv(
      { a: 'x-${A}-y', list: ['${B}', 3, true, null], nested: { c: 'https://${HOST:-localhost}/v1' } },
      { A: '1', B: 'two' },
      'f.yaml',
    );
    expect(out).toEqual({ a: 'x-1-y', list: ['two', 3, true, null], nested: { c: 'https://localhost/v1' } });
  });

  it('an empty variable counts as unset: the default applies, or it is an error', () => {
    expect(interpolateEnv('${A:-fallback}', { A: '' }, 'f')).toBe('fallback');
    expect(interpolateEnv('${A:-}', {}, 'f')).toBe('');
    expect(() => interpolateEnv('${A}', { A: '' }, 'f')).toThrow(/A is not set/);
  });

  it('names the field, the file and the line of a missing variable', () => {
    try {
      interpolateEnv({ targets: [{ apiKey: '${KEY}' }] }, {}, 'assay.yaml', [], () => 12);
      expect.unreachable();
    } catch (error) {
      const e = error as AssayError;
      expect(e.code).toBe('config.env');
      expect(e.toString()).toBe('assay.yaml:12: targets[0].apiKey: environment variable KEY is not set');
    }
  });

  it('text that only looks like a variable is kept', () => {
    expect(interpolateEnv('$HOME and ${1X} and {{ q }}', {}, 'f')).toBe('$HOME and ${1X} and {{ q }}');
  });
});

describe('formatPath', () => {
  it('writes indexes in brackets and keys with dots', () => {
    expect(formatPath(['targets', 0, 'apiKey'])).toBe('targets[0].apiKey');
    expect(formatPath([0, 'a'])).toBe('[0].a');
    expect(formatPath([])).toBe('');
  });
});

describe('envValuesUsed', () => {
  it('lists the variables a config names that the environment sets', () => {
    const raw = { a: '${KEY}', b: ['x ${HOST:-h} ${UNSET}'], c: { d: '${EMPTY}' } };
    expect(envValuesUsed(raw, { KEY: 'sk-1', HOST: 'example', EMPTY: '', OTHER: 'z' })).toEqual({
      KEY: 'sk-1',
      HOST: 'example',
    });
  });
});
