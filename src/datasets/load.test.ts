import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { filterCases, parseTagFilters } from './filter.js';
import { datasetFromCases, loadDataset, parseDataset } from './load.js';

function failure(fn: () => unknown): AssayError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AssayError);
    return error as AssayError;
  }
  throw new Error('expected a failure');
}

const JSONL = [
  '{"id": "a", "question": "What is 2+2?", "expected": "4", "tags": {"type": "math", "difficulty": "easy"}}',
  '',
  '// a comment line',
  '{"id": "b", "question": "Capital of France?", "expected": "Paris", "tags": {"type": "geo"}, "origin": "production"}',
].join('\n');

const CSV = [
  'id,question,expected,tags.type,tags.difficulty,origin',
  'a,What is 2+2?,4,math,easy,',
  'b,Capital of France?,Paris,geo,,production',
].join('\n');

const YAML = `cases:
  - id: a
    question: What is 2+2?
    expected: "4"
    tags: { type: math, difficulty: easy }
  - id: b
    question: Capital of France?
    expected: Paris
    tags:
      type: geo
    origin: production
`;

describe('dataset readers', () => {
  it('JSONL: one case a line; blank and // lines skipped; vars are the non-reserved keys', () => {
    const d = parseDataset(JSONL, '/d/golden.jsonl');
    expect(d.name).toBe('golden');
    expect(d.cases).toEqual([
      {
        id: 'a',
        vars: { question: 'What is 2+2?' },
        expected: '4',
        tags: { type: 'math', difficulty: 'easy' },
      },
      {
        id: 'b',
        vars: { question: 'Capital of France?' },
        expected: 'Paris',
        tags: { type: 'geo' },
        origin: 'production',
      },
    ]);
  });

  it('CSV: tags.x columns become tags, empty cells are left out', () => {
    const d = parseDataset(CSV, '/d/golden.csv');
    expect(d.cases[1]).toEqual({
      id: 'b',
      vars: { question: 'Capital of France?' },
      expected: 'Paris',
      tags: { type: 'geo' },
      origin: 'production',
    });
    expect(d.cases[0]!.origin).toBeUndefined();
  });

  it('CSV: cells that look like JSON lists are parsed (sources)', () => {
    const d = parseDataset('question,sources\nq,"[""doc-1"",""doc-2""]"\n', 'x.csv');
    expect(d.cases[0]!.sources).toEqual(['doc-1', 'doc-2']);
  });

  it('YAML: a list, or a mapping with cases', () => {
    const d = parseDataset(YAML, 'golden.yaml');
    expect(d.cases.map((c) => c.id)).toEqual(['a', 'b']);
    const list = parseDataset('- question: hi\n- question: bye\n', 'l.yml');
    expect(list.cases).toHaveLength(2);
  });

  it('the same cases give the same version in JSONL, CSV and YAML', () => {
    const versions = [
      parseDataset(JSONL, 'g.jsonl').version,
      parseDataset(CSV, 'g.csv').version,
      parseDataset(YAML, 'g.yaml').version,
    ];
    expect(versions[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(versions).size).toBe(1);
  });

  it('the version changes when a case, or the order of cases, changes; not with key order or the name', () => {
    const base = parseDataset(JSONL, 'g.jsonl').version;
    expect(parseDataset(JSONL.replace('Paris', 'paris'), 'g.jsonl').version).not.toBe(base);
    const lines = JSONL.split('\n');
    expect(parseDataset([lines[3], lines[0]].join('\n'), 'g.jsonl').version).not.toBe(base);
    const reordered = JSONL.replace(
      '{"id": "a", "question": "What is 2+2?", "expected": "4"',
      '{"expected": "4", "question": "What is 2+2?", "id": "a"',
    );
    expect(parseDataset(reordered, 'other-name.jsonl').version).toBe(base);
  });

  it('derives a stable id from the content when a row has none (tags do not change it)', () => {
    const one = parseDataset('{"question": "q1", "expected": "x"}\n', 'a.jsonl').cases[0]!;
    const again = parseDataset('{"expected": "x", "question": "q1", "tags": {"type": "t"}}\n', 'b.jsonl')
      .cases[0]!;
    const other = parseDataset('{"question": "q2", "expected": "x"}\n', 'a.jsonl').cases[0]!;
    expect(one.id).toMatch(/^[0-9a-f]{12}$/);
    expect(again.id).toBe(one.id);
    expect(other.id).not.toBe(one.id);
    // Same id in CSV, where every value is text.
    expect(parseDataset('question,expected\nq1,x\n', 'c.csv').cases[0]!.id).toBe(one.id);
  });

  it('numeric ids and tag values become strings', () => {
    const c = parseDataset('{"id": 7, "q": "x", "tags": {"level": 3, "edge": true}}\n', 'n.jsonl').cases[0]!;
    expect(c.id).toBe('7');
    expect(c.tags).toEqual({ level: '3', edge: 'true' });
  });
});

describe('dataset errors name the file and line', () => {
  it('bad JSON on line N', () => {
    const e = failure(() => parseDataset('{"id": "a"}\n\n{"id": "b"\n{"id": "c"}\n', '/d/golden.jsonl'));
    expect(e.code).toBe('dataset.parse');
    expect(e.line).toBe(3);
    expect(e.toString()).toMatch(/^\/d\/golden\.jsonl:3: invalid JSON: /);
  });

  it('a row that is not an object', () => {
    const e = failure(() => parseDataset('{"id": "a"}\n[1, 2]\n', 'g.jsonl'));
    expect(e.code).toBe('dataset.invalid');
    expect(e.line).toBe(2);
  });

  it('duplicate ids, naming both lines', () => {
    const e = failure(() => parseDataset('{"id": "a"}\n{"id": "b"}\n{"id": "a"}\n', 'g.jsonl'));
    expect(e.toString()).toBe('g.jsonl:3: id: duplicate case id "a" (first on line 1)');
  });

  it('duplicate ids in CSV and YAML carry their own lines', () => {
    expect(failure(() => parseDataset('id,q\nx,1\ny,2\nx,3\n', 'g.csv')).line).toBe(4);
    expect(failure(() => parseDataset('- id: x\n- id: y\n- id: x\n', 'g.yaml')).line).toBe(3);
  });

  it('bad reserved fields: tags, origin, sources, turns', () => {
    expect(failure(() => parseDataset('{"tags": {"t": {"a": 1}}}\n', 'g.jsonl')).field).toBe('tags.t');
    expect(failure(() => parseDataset('{"tags": ["a"]}\n', 'g.jsonl')).field).toBe('tags');
    expect(failure(() => parseDataset('{"q": 1, "origin": "made-up"}\n', 'g.jsonl')).field).toBe('origin');
    expect(failure(() => parseDataset('{"q": 1, "sources": "doc"}\n', 'g.jsonl')).field).toBe('sources');
    expect(failure(() => parseDataset('{"turns": [{"assistant": "x"}]}\n', 'g.jsonl')).field).toBe(
      'turns[0].user',
    );
  });

  it('a CSV cell for sources that looks like JSON but is not', () => {
    const e = failure(() => parseDataset('q,sources\na,[1\nb,[oops]\n', 'g.csv'));
    expect(e.field).toBe('sources');
    expect(e.line).toBe(3);
  });

  it('a malformed CSV (unclosed quote) names the file', () => {
    const e = failure(() => parseDataset('q,expected\n"open,x\n', 'g.csv'));
    expect(e.code).toBe('dataset.parse');
    expect(e.file).toBe('g.csv');
  });

  it('a YAML syntax error names its line', () => {
    const e = failure(() => parseDataset('- id: a\n- id: [b\n', 'g.yaml'));
    expect(e.code).toBe('dataset.parse');
    expect(e.line).toBeGreaterThanOrEqual(2);
  });

  it('empty datasets, unknown formats and missing files are refused', async () => {
    expect(failure(() => parseDataset('\n// nothing\n', 'g.jsonl')).message).toMatch(/no cases/);
    expect(failure(() => parseDataset('{}', 'g.parquet')).message).toMatch(/unsupported dataset format/);
    const dir = mkdtempSync(join(tmpdir(), 'assay-ds-'));
    try {
      await expect(loadDataset(join(dir, 'missing.jsonl'))).rejects.toThrow(/file not found/);
      writeFileSync(join(dir, 'ok.jsonl'), '{"id": 1}\n');
      expect((await loadDataset(join(dir, 'ok.jsonl'), 'named')).name).toBe('named');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tag filters', () => {
  const cases = parseDataset(JSONL, 'g.jsonl').cases;

  it('keys must all hold; values of one key are alternatives', () => {
    expect(filterCases(cases, parseTagFilters(['type=math'])).map((c) => c.id)).toEqual(['a']);
    expect(filterCases(cases, parseTagFilters(['type=math', 'type=geo'])).map((c) => c.id)).toEqual([
      'a',
      'b',
    ]);
    expect(filterCases(cases, parseTagFilters(['type=geo', 'difficulty=easy']))).toEqual([]);
    expect(filterCases(cases, {})).toBe(cases);
  });

  it('refuses a filter without "="', () => {
    expect(() => parseTagFilters(['type'])).toThrow(/key=value/);
  });

  it('datasetFromCases versions cases made in code like a file', () => {
    expect(datasetFromCases('x', cases).version).toBe(parseDataset(JSONL, 'g.jsonl').version);
  });
});
