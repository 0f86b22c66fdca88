import { describe, expect, it } from 'vitest';
import { checkParser, isParseFailure } from './parser-check.js';

/** A strict verdict parser: JSON with an integer score 1..5. */
function parseVerdict(text: string): { score: number } {
  const value = JSON.parse(text) as { score?: unknown };
  if (!Number.isInteger(value.score) || (value.score as number) < 1 || (value.score as number) > 5) {
    throw new Error('score must be an integer 1..5');
  }
  return { score: value.score as number };
}

describe('checkParser', () => {
  it('passes a parser that accepts the valid samples and detects every malformed one', async () => {
    const report = await checkParser(parseVerdict, {
      valid: ['{"score": 3}', { input: '{"score": 5, "why": "ok"}', expected: { score: 5 } }],
      malformed: ['', 'three', '{"score": }', '{"score": 9}', '{"score": 2.5}'],
    });
    expect(report).toEqual({
      ok: true,
      valid: { total: 2, failed: [] },
      malformed: { total: 5, missed: [] },
    });
  });

  it('counts a returned failure value as detection (zod safeParse, {ok:false}, null)', async () => {
    const safe = (text: string) => {
      const n = Number(text);
      return Number.isNaN(n) ? { success: false, error: 'NaN' } : { success: true, data: n };
    };
    const report = await checkParser(safe, {
      valid: [{ input: '4', expected: { success: true, data: 4 } }],
      malformed: ['x'],
    });
    expect(report.ok).toBe(true);
    expect([null, undefined, new Error('x'), { ok: false }, { success: false }].every(isParseFailure)).toBe(
      true,
    );
    expect([0, '', false, { ok: true }, []].some(isParseFailure)).toBe(false);
  });

  it('reports valid samples that fail or parse wrongly, and malformed ones let through', async () => {
    const lenient = (text: string) => {
      const m = /\d+/.exec(text);
      return { score: m ? Number(m[0]) : 0 };
    };
    const report = await checkParser(lenient, {
      valid: [
        { input: '{"score": 3}', expected: { score: 3 } },
        { input: 'score: four', expected: { score: 4 } },
      ],
      malformed: ['{"score": }', 'score 12'],
    });
    expect(report.ok).toBe(false);
    expect(report.valid.failed).toEqual([
      { sample: 'valid #2', input: 'score: four', message: 'parsed to {"score":0}, expected {"score":4}' },
    ]);
    expect(report.malformed.missed.map((m) => m.message)).toEqual([
      'not detected: returned {"score":0} instead of throwing or a failure value',
      'not detected: returned {"score":12} instead of throwing or a failure value',
    ]);
  });

  it('awaits async parsers and treats a rejection as detection', async () => {
    const report = await checkParser(async (t) => JSON.parse(t), { valid: ['[1]'], malformed: ['[1'] });
    expect(report.ok).toBe(true);
  });
});
