import { execFileSync, spawn } from 'node:child_process';
import { lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { errorLines, runCli, spawnCli } from './helpers/cli.js';
import { makeSuite, numberedCases, openaiConfig, type TempSuite } from './helpers/suite.js';

vi.setConfig({ testTimeout: 120_000 });

let server: FakeOpenAI;
let suite: TempSuite;

beforeAll(async () => {
  await ensureBuilt();
  server = await startFakeOpenAI({ reply: (body) => `Answer: ${String(body.messages?.at(-1)?.content)}` });
  suite = makeSuite({ cases: numberedCases(3), config: openaiConfig(server.baseURL) });
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await server?.close();
  suite?.cleanup();
});

const env = { TEST_API_KEY: 'sk-out' };

describe('outputs that are not regular files (issue 10, item 3)', () => {
  it('a FIFO as --output stays a FIFO and its reader gets the results JSON', async () => {
    const fifo = join(suite.dir, 'results.pipe');
    execFileSync('mkfifo', [fifo]);
    const cat = spawn('cat', [fifo]);
    let read = '';
    cat.stdout.on('data', (c: Buffer) => {
      read += c.toString();
    });
    const closed = new Promise((r) => cat.on('close', r));
    const res = await runCli(['eval', '-c', suite.config, '--db', suite.db, '-o', fifo], {
      cwd: suite.dir,
      env,
    });
    const stillFifo = lstatSync(fifo).isFIFO();
    if (!stillFifo) cat.kill();
    expect(res.code).toBe(0);
    expect(stillFifo).toBe(true);
    await closed;
    expect(JSON.parse(read).results).toHaveLength(3);
  });

  it('a symlink as --output and --html stays a link; the target holds the report', async () => {
    const real = suite.write('real.json', 'old');
    const link = join(suite.dir, 'link.json');
    symlinkSync(real, link);
    const htmlReal = suite.write('real.html', 'old');
    const htmlLink = join(suite.dir, 'link.html');
    symlinkSync(htmlReal, htmlLink);
    const res = await runCli(['eval', '-c', suite.config, '--db', suite.db, '-o', link, '--html', htmlLink], {
      cwd: suite.dir,
      env,
    });
    expect(res.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(lstatSync(htmlLink).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(real, 'utf8')).results).toHaveLength(3);
    expect(readFileSync(htmlReal, 'utf8')).toMatch(/^<!doctype html>/i);
  });

  it('/dev/null as every output stays the device', async () => {
    const before = statSync('/dev/null');
    const res = await runCli(
      [
        'eval',
        ...['-c', suite.config, '--db', suite.db],
        ...['-o', '/dev/null', '--html', '/dev/null', '--junit', '/dev/null', '--markdown', '/dev/null'],
      ],
      { cwd: suite.dir, env },
    );
    expect(errorLines(res.stderr)).toEqual([]);
    expect(res.code).toBe(0);
    const after = lstatSync('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.ino).toBe(before.ino);
  });

  it('a folder under /proc fails at once with a clear message (no hang)', async () => {
    const running = spawnCli(
      ['eval', '-c', suite.config, '--db', suite.db, '--junit', '/proc/assay-nope/deeper/results.xml'],
      { cwd: suite.dir, env, timeoutMs: 60_000 },
    );
    const res = await running.done;
    expect(res.signal).toBeNull();
    expect(res.stderr).toContain('cannot create the folder /proc/assay-nope');
    expect(res.code).not.toBe(0);
  });

  it('a --db under /proc fails at once too (no hang in a recursive mkdir)', async () => {
    const res = await spawnCli(['eval', '-c', suite.config, '--db', '/proc/assay-nope/deeper/assay.db'], {
      cwd: suite.dir,
      env,
      timeoutMs: 60_000,
    }).done;
    expect(res.signal).toBeNull();
    expect(res.stderr).toContain('cannot create the folder /proc/assay-nope');
    expect(res.code).not.toBe(0);
  });

  it('promote --to a symlink appends through the link', async () => {
    const first = await runCli(['eval', '-c', suite.config, '--db', suite.db], { cwd: suite.dir, env });
    expect(first.code).toBe(0);
    const runId = /run (\d{8}-\d{6}-[0-9a-f]{4})/.exec(first.stdout)?.[1];
    expect(runId).toBeDefined();
    const real = join(suite.dir, 'regressions.jsonl');
    writeFileSync(real, '');
    const link = join(suite.dir, 'regressions-link.jsonl');
    symlinkSync(real, link);
    const res = await runCli(['promote', runId!, '--case', 'c001', '--to', link, '--db', suite.db], {
      cwd: suite.dir,
    });
    expect(res.stderr).toBe('');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toContain('"c001"');
  });
});
