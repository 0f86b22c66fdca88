import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fake-openai-server.js';
import { ensureBuilt, ROOT } from '../helpers/build.js';
import { runCli } from '../helpers/cli.js';
import { toyJudge } from './toy-judge.js';

const run = promisify(execFile);
let server: FakeOpenAI;
let dir: string;

async function assay(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'bin/assay.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, JUDGE_BASE_URL: server.baseURL, JUDGE_MODEL: 'toy-judge', NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  await ensureBuilt();
  server = await startFakeOpenAI({ reply: toyJudge });
  dir = mkdtempSync(join(tmpdir(), 'assay-rag-'));
}, 120_000);
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('examples/rag-support with an OpenAI-compatible judge', () => {
  it('with no judge answering: exit 3 before the first case, saying what it needs', async () => {
    const idle = http.createServer();
    await new Promise<void>((r) => idle.listen(0, '127.0.0.1', r));
    const { port } = idle.address() as AddressInfo;
    await new Promise<void>((r) => idle.close(() => r()));
    const res = await runCli(
      ['eval', '-c', 'examples/rag-support/assay.yaml', '--db', join(dir, 'no-judge.db')],
      { cwd: ROOT, env: { JUDGE_BASE_URL: `http://127.0.0.1:${port}/v1` } },
    );
    expect(res.code).toBe(3);
    expect(res.stderr.trim().split('\n')).toEqual([
      `assay: error: no judge answers at http://127.0.0.1:${port}/v1 (ECONNREFUSED): rubric, factuality need an OpenAI-compatible judge server there (llama.cpp, vLLM, Ollama, LM Studio or OpenAI itself); start one or point the judge's baseURL at one`,
    ]);
    expect(res.stdout).toBe('');
  });

  it('runs rubric and factuality, prints and stores the bias checks, and calibrates against labels', async () => {
    const db = join(dir, 'assay.db');
    const out = join(dir, 'results.json');
    const evalRun = await assay(['eval', '-c', 'examples/rag-support/assay.yaml', '--db', db, '-o', out]);
    expect(evalRun.stderr).not.toMatch(/assay: error/);
    const runId = /assay: run (\S+)/.exec(evalRun.stdout)![1]!;
    expect(evalRun.stdout).toContain('Judge bias checks');
    expect(evalRun.stdout).toMatch(/rubric\.accuracy\s+openai:toy-judge\s+12\s+0/);
    expect(evalRun.stdout).toMatch(/factuality\s+openai:toy-judge\s+12\s+0/);
    // The bot's unsupported "folklore" sentences are caught by the factuality judge.
    const written = readFileSync(out, 'utf8');
    expect(written).toMatch(/not supported: \\"Express shipping is also free for members\.\\"/);
    const results = await assay(['show', runId, '--db', db]);
    expect(results.stdout).toContain('Judge bias checks');
    expect(results.stdout).toMatch(
      /Judge prompts: rubric: rubric@v1 #[0-9a-f]{16} · factuality: factuality-claims@v1/,
    );

    // Human labels: agree with the judge on most cases, not all.
    const labels = [
      'refund-window',
      'refund-software',
      'refund-speed',
      'ship-free',
      'ship-express',
      'warranty-length',
      'warranty-drop',
      'sunday',
    ]
      .flatMap((caseId, i) => [
        { caseId, dimension: 'accuracy', score: 1 + (i % 5) },
        { caseId, dimension: 'accuracy', score: 1 + ((i + 1) % 5) },
      ])
      .map((r) => JSON.stringify(r))
      .join('\n');
    writeFileSync(join(dir, 'human.jsonl'), labels);
    const cal = await assay([
      'calibrate',
      '--run',
      runId,
      '--labels',
      join(dir, 'human.jsonl'),
      '--json',
      join(dir, 'cal.json'),
      '--db',
      db,
    ]);
    expect(cal.code).toBe(0);
    expect(cal.stdout).toContain('Calibration of rubric.accuracy');
    const doc = JSON.parse(readFileSync(join(dir, 'cal.json'), 'utf8'));
    expect(doc.calibrations[0]).toMatchObject({
      evaluator: 'rubric.accuracy',
      n: 8,
      humanAgreement: { units: 8, maxRaters: 2 },
    });
    const shown = await assay(['show', runId, '--db', db]);
    expect(shown.stdout).toContain('Calibration of rubric.accuracy');

    const bad = await assay([
      'calibrate',
      '--run',
      runId,
      '--labels',
      join(dir, 'missing.jsonl'),
      '--db',
      db,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^assay: error: .*missing\.jsonl: cannot read the labels/);
  });
});
