import { describe, expect, it } from 'vitest';
import { jsonObjectsIn, parseVerdict } from './verdict.js';
import { claimsCheck, pairwiseCheck, rubricCheck, verifyCheck } from './verdict-shapes.js';

const one = rubricCheck(['accuracy'], { accuracy: { min: 1, max: 5 } });

describe('parseVerdict', () => {
  it('reads clean, fenced and embedded JSON, and tool-call arguments', () => {
    expect(parseVerdict({ text: '{"reasoning": "r", "score": 4}' }, one)).toMatchObject({
      ok: true,
      source: 'whole',
      value: { scores: { accuracy: 4 } },
    });
    expect(parseVerdict({ text: 'ok\n```json\n{"reasoning": "r", "score": "3"}\n```' }, one)).toMatchObject({
      ok: true,
      source: 'fence',
      value: { scores: { accuracy: 3 } },
    });
    expect(
      parseVerdict({ text: 'Verdict: {"reasoning": "a {brace} inside", "score": 2} — done' }, one),
    ).toMatchObject({ ok: true, source: 'embedded', value: { reasoning: 'a {brace} inside' } });
    expect(
      parseVerdict(
        { text: '', toolCalls: [{ name: 'submit_verdict', arguments: { reasoning: 'r', score: 5 } }] },
        one,
      ),
    ).toMatchObject({ ok: true, source: 'tool-call' });
  });

  it('takes the last verdict-shaped object in prose, skips think blocks, and explains failures', () => {
    const text =
      '<think>{"score": 1}</think>It says {"reasoning": "x", "score": 5} but {"reasoning": "mine", "score": 2}';
    expect(parseVerdict({ text }, one)).toMatchObject({ ok: true, value: { reasoning: 'mine' } });
    expect(parseVerdict({ text: 'no idea' }, one)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/no JSON verdict/),
    });
    expect(parseVerdict({ text: '{"reasoning": "r", "score": 0}' }, one)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/outside the scale/),
    });
  });

  it('checks several dimensions, pairwise winners, claims and claim verdicts', () => {
    const two = rubricCheck(['a', 'b'], { a: { min: 1, max: 5 }, b: { min: 0, max: 3 } });
    expect(two({ scores: { A: 5, b: 3 } })).toMatchObject({ ok: true, value: { scores: { a: 5, b: 3 } } });
    expect(two({ scores: { a: 5 } })).toMatchObject({ ok: false, error: '"scores" has no number for "b"' });
    expect(pairwiseCheck({ winner: 'Tie' })).toMatchObject({ ok: true, value: { winner: 'tie' } });
    expect(pairwiseCheck({ winner: 'C' })).toMatchObject({ ok: false });
    expect(claimsCheck({ claims: ['x', ' y '] })).toEqual({ ok: true, value: ['x', 'y'] });
    const v = verifyCheck(2)({
      verdicts: [
        { claim: 2, verdict: 'Supported' },
        { claim: 1, verdict: 'contradicted', reasoning: 'no' },
      ],
    });
    expect(v).toEqual({
      ok: true,
      value: [
        { status: 'contradicted', reasoning: 'no' },
        { status: 'supported', reasoning: '' },
      ],
    });
    expect(verifyCheck(2)({ verdicts: [{ verdict: 'supported' }] })).toMatchObject({ ok: false });
  });

  it('finds every top-level object, skipping braces that are not JSON', () => {
    expect(jsonObjectsIn('a {not json} b {"x": 1} c {"y": {"z": 2}}')).toEqual([{ x: 1 }, { y: { z: 2 } }]);
  });
});
