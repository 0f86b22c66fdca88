import { describe, expect, it } from 'vitest';
import {
  extractJsonObjects,
  promptfooText,
  promptText,
  readClosedQa,
  readFactuality,
  readRubricGrade,
} from './grade-readers.js';

describe("promptfoo's reading of llm-rubric, closedqa and factuality answers", () => {
  it('llm-rubric: the first JSON object, its defaults, and pass && score >= threshold', () => {
    const grade = '{"reason": "ok", "pass": true, "score": 0.5}';
    expect(readRubricGrade(grade)).toEqual({ pass: true, score: 0.5, reason: 'ok' });
    expect(readRubricGrade(grade, 0.5)).toMatchObject({ pass: true });
    expect(readRubricGrade(grade, 0.6)).toMatchObject({ pass: false, score: 0.5 });
    // The grader's "fail" stands whatever the score.
    expect(readRubricGrade('{"pass": false, "score": 1}', 0.5)).toMatchObject({ pass: false, score: 1 });
    expect(readRubricGrade('{"score": 0.2}')).toEqual({ pass: true, score: 0.2, reason: 'Grading passed' });
    expect(readRubricGrade('{"score": 0.2}', 0.5)).toEqual({
      pass: false,
      score: 0.2,
      reason: 'Score 0.2 below threshold 0.5',
    });
    expect(readRubricGrade('{"pass": "Yes", "score": "0.7"}')).toMatchObject({ pass: true, score: 0.7 });
    expect(readRubricGrade('{"pass": "nope"}')).toMatchObject({ pass: false, score: 0 });
    expect(readRubricGrade('{"pass": true, "score": null}')).toMatchObject({ pass: true, score: 0 });
    expect(readRubricGrade("Sure:\n```json\n{reason: 'fine', pass: true, score: 1} // done\n```")).toEqual({
      pass: true,
      score: 1,
      reason: 'fine',
    });
    expect(readRubricGrade('no verdict here')).toEqual({
      error: 'Could not extract JSON from llm-rubric response',
    });
  });

  it('closedqa: a last Y passes, a last N fails, anything else is unreadable', () => {
    expect(readClosedQa('reasoning\nY\nY  \n')).toMatchObject({ pass: true, score: 1 });
    expect(readClosedQa('reasoning\nN\nN')).toMatchObject({ pass: false, score: 0 });
    expect(readClosedQa('reasoning\ny\ny')).toHaveProperty('error');
  });

  it('factuality: the JSON category, else the legacy (X) form; D fails, a letter outside A–E is an error', () => {
    expect(readFactuality('{"category": "B", "reason": "more"}')).toEqual({
      pass: true,
      score: 1,
      reason: 'more',
      category: 'B',
    });
    expect(readFactuality('{"category": " d "}')).toMatchObject({ pass: false, score: 0, category: 'D' });
    expect(readFactuality('{"category": "C"}')).toMatchObject({
      reason: 'Category C: The submitted answer contains all the same details as the expert answer.',
    });
    expect(readFactuality('{"category": "F"}')).toEqual({ error: 'Invalid category value: F' });
    expect(readFactuality('The answer is (E) close enough')).toEqual({
      pass: true,
      score: 1,
      reason: 'close enough',
      category: 'E',
    });
    // A reason that is not text sends promptfoo to the legacy form, which finds no letter here.
    expect(readFactuality('{"category": "A", "reason": 3}')).toHaveProperty('error');
    expect(readFactuality('no category')).toHaveProperty('error');
  });

  it('shows the output as promptfoo does: JSON parsed and written compact, other text as it is', () => {
    expect(promptfooText('{"a": 1,  "b": [1, 2]}')).toBe('{"a":1,"b":[1,2]}');
    expect(promptfooText('[1, {"x": 2}, null]')).toBe('1,{"x":2},');
    expect(promptfooText(' 42 ')).toBe('42');
    expect(promptfooText('"quoted"')).toBe('quoted');
    expect(promptfooText('null')).toBe('');
    expect(promptfooText('  Paris')).toBe('  Paris');
  });

  it("gives promptfoo's prompt: a string, a lone user message, else the chat as JSON", () => {
    expect(promptText({ text: '', latencyMs: 0, prompt: 'Q?' })).toBe('Q?');
    expect(promptText({ text: '', latencyMs: 0, prompt: [{ role: 'user', content: 'Q?' }] })).toBe('Q?');
    const chat = [
      { role: 'system', content: 'S' },
      { role: 'user', content: 'Q?' },
    ];
    expect(promptText({ text: '', latencyMs: 0, prompt: chat })).toBe(JSON.stringify(chat));
    expect(promptText({ text: '', latencyMs: 0 })).toBeUndefined();
  });

  it('finds JSON objects as promptfoo does: balanced spans, unclosed ones closed, URLs kept', () => {
    expect(extractJsonObjects('a {"x": 1} b {"y": {"z": 2}}')).toEqual([{ x: 1 }, { y: { z: 2 } }]);
    expect(extractJsonObjects('{"x": 1')).toEqual([{ x: 1 }]);
    expect(extractJsonObjects('{"u": "http://a.b/c"}')).toEqual([{ u: 'http://a.b/c' }]);
    expect(extractJsonObjects('{ not: [valid }')).toEqual([]);
  });
});
