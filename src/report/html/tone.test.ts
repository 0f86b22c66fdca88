import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../core/run.js';
import type { GateOutcome } from '../../core/summary.js';
import { SummaryBuilder } from '../../runner/summary.js';
import { HtmlDataBuilder } from './report-data.js';
import { passRateTone } from './tone.js';
import { writeHtmlReport } from './write-html.js';

const gate = (pass: boolean): GateOutcome => ({
  gate: 'passRate',
  pass,
  actual: 0.5,
  threshold: 0.8,
  message: 'm',
});

describe('passRateTone (issue 10, item 10: a 0% pass rate was green)', () => {
  it('0% is red, with or without gates', () => {
    expect(passRateTone({ passed: 0, failed: 5, passRate: 0 })).toBe('bad');
    expect(passRateTone({ passed: 0, failed: 5, passRate: 0, gates: [] })).toBe('bad');
  });

  it('a failed gate is red; gates that all pass are green', () => {
    expect(passRateTone({ passed: 9, failed: 1, passRate: 0.9, gates: [gate(false)] })).toBe('bad');
    expect(passRateTone({ passed: 6, failed: 4, passRate: 0.6, gates: [gate(true)] })).toBe('good');
  });

  it('without gates, the rate decides; nothing judged is neutral', () => {
    expect(passRateTone({ passed: 95, failed: 5, passRate: 0.95 })).toBe('good');
    expect(passRateTone({ passed: 7, failed: 3, passRate: 0.7 })).toBe('warn');
    expect(passRateTone({ passed: 1, failed: 9, passRate: 0.1 })).toBe('bad');
    expect(passRateTone({ passed: 0, failed: 0, passRate: 0 })).toBe('');
  });

  it('the report page gets the tone with its data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-tone-'));
    try {
      const summary = new SummaryBuilder();
      summary.add({
        runId: 'r',
        caseId: 'c1',
        target: 't',
        repeat: 0,
        tags: {},
        output: { text: 'no', latencyMs: 1 },
        pass: false,
        scores: [{ evaluator: 'exact', value: 0, pass: false }],
        latencyMs: 1,
      });
      const run = {
        id: 'r',
        createdAt: '2026-01-01T00:00:00.000Z',
        status: 'completed',
        provenance: { dataset: { name: 'd', version: 'v', cases: 1 } },
      } as unknown as RunRecord;
      const file = join(dir, 'report.html');
      await writeHtmlReport(file, { run, summary: summary.build(0), data: new HtmlDataBuilder() });
      const json = /<script type="application\/json" id="assay-data">(.*?)<\/script>/s.exec(
        readFileSync(file, 'utf8'),
      )?.[1];
      expect(JSON.parse(json!).tone).toEqual({ passRate: 'bad' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
