// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are config text with ${VAR}s.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { loadConfig } from './load.js';
import { loadMonitorConfig } from './load-monitor.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-monitor-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (text: string) => {
  const file = join(dir, 'assay.yaml');
  writeFileSync(file, text);
  return file;
};

const ISSUE_EXAMPLE = `monitor:
  project: default
  segments: [tags.segment, model]
  sampling:
    rate: 5%
    minPerSegment: 20
    always: [error, feedback.negative, signal.rephrase]
  evaluators: [{ type: safety }, { type: rubric, rubric: "Is it helpful?" }]
  budget: { judgeCallsPerHour: 500, usdPerDay: 5 }
  review: { queue: weekly, rate: 2%, stratifyBy: [tags.segment] }
  drift:
    reference: { from: 2026-11-01, to: 2026-11-14 }
    window: 1d
    inputs: embedding
    outputs: [length, json-valid, refusal, language]
    metrics: [online-score, thumbs-down-rate, rephrase-rate, latency-p95, cost-per-query, error-rate]
  correlation: { offline: faithfulness, online: thumbs-up-rate, periods: 8, alertBelow: 0.7 }
  alerts:
    notify: { webhook: "\${SLACK_WEBHOOK_URL}" }
    cooldown: 6h
`;

async function failure(text: string): Promise<AssayError> {
  const file = write(text);
  try {
    await loadMonitorConfig(file, {});
  } catch (error) {
    expect(error).toBeInstanceOf(AssayError);
    return error as AssayError;
  }
  throw new Error('expected a failure');
}

describe('loadMonitorConfig', () => {
  it('reads the example of the issue, with durations, percentages and dates normalised', async () => {
    const file = write(ISSUE_EXAMPLE);
    const { monitor, secrets } = await loadMonitorConfig(file, {
      SLACK_WEBHOOK_URL: 'https://hooks.example/x',
    });
    expect(monitor.sampling).toEqual({
      rate: 0.05,
      minPerSegment: 20,
      always: ['error', 'feedback.negative', 'signal.rephrase'],
      seed: 0,
    });
    expect(monitor.segments).toEqual(['tags.segment', 'model']);
    expect(monitor.drift.window).toBe(86_400_000);
    expect(monitor.drift.reference).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-15T00:00:00.000Z', // the 14th included
    });
    expect(monitor.alerts).toEqual({ notify: { webhook: 'https://hooks.example/x' }, cooldown: 21_600_000 });
    expect(monitor.review).toEqual({ queue: 'weekly', rate: 0.02, stratifyBy: ['tags.segment'] });
    expect(monitor.correlation?.alertBelow).toBe(0.7);
    expect(monitor.evaluators.map((e) => e.type)).toEqual(['safety', 'rubric']);
    expect(secrets).toEqual({ SLACK_WEBHOOK_URL: 'https://hooks.example/x' });
  });

  it('gives working defaults for an empty section or a file without one', async () => {
    const { monitor } = await loadMonitorConfig(write('monitor: {}\n'), {});
    expect(monitor.sampling.rate).toBe(0.05);
    expect(monitor.drift.reference).toEqual({ 'previous-windows': 7 });
    expect(monitor.drift.window).toBe(86_400_000);
    expect(monitor.alerts.cooldown).toBe(6 * 3_600_000);
    const other = await loadMonitorConfig(write('description: no monitor here\n'), {});
    expect(other.monitor.segments).toEqual(['tags.segment']);
  });

  it('a bad value names the file, line and field', async () => {
    const e = await failure('monitor:\n  sampling:\n    rate: 5 percent\n');
    expect(e.code).toBe('config.invalid');
    expect(e.field).toBe('monitor.sampling.rate');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/percentage/);
    const d = await failure('monitor:\n  drift:\n    window: 1 day\n');
    expect(d.field).toBe('monitor.drift.window');
    expect(d.message).toMatch(/expected a duration/);
    const k = await failure('monitor:\n  drift:\n    outputs: [length, vibes]\n');
    expect(k.field).toBe('monitor.drift.outputs[1]');
  });

  it('an unknown key is refused, not ignored', async () => {
    const e = await failure('monitor:\n  sampling:\n    rte: 5%\n');
    expect(e.message).toBe('unknown key(s): rte');
    expect(e.field).toBe('monitor.sampling.rte');
    expect(e.line).toBe(3);
  });

  it('an unset webhook variable is an error naming the field', async () => {
    const e = await failure('monitor:\n  alerts:\n    notify: { webhook: "${HOOK}" }\n');
    expect(e.code).toBe('config.env');
    expect(e.field).toBe('monitor.alerts.notify.webhook');
  });

  it('the suite config accepts the same section', async () => {
    const file = write(
      `dataset: ./golden.jsonl\ntargets:\n  - provider: function\n    module: ./app.mjs#answer\n${ISSUE_EXAMPLE.replace('${SLACK_WEBHOOK_URL}', 'https://h.example/')}`,
    );
    const { config } = await loadConfig(file, {});
    expect(config.monitor?.sampling.rate).toBe(0.05);
  });
});
