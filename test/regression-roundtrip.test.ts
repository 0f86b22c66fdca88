import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ensureBuilt } from './helpers/build.js';
import { runCli } from './helpers/cli.js';
import { makeSuite, numberedCases, type TempSuite } from './helpers/suite.js';

// The regression loop through the real CLI: a run's failures are promoted into a regression set;
// later runs of that set fix some cases and break one again, and `assay eval` says which one came
// back and fails the `rebroken` gate. The app under test reads which cases to get wrong from a file.

let suite: TempSuite;
const runIds: string[] = [];

const APP = `import { readFileSync } from 'node:fs';
export function answer(c) {
  const { broken } = JSON.parse(readFileSync(new URL('./behaviour.json', import.meta.url), 'utf8'));
  return broken.includes(c.id) ? 'I do not know' : 'The answer is ' + c.vars.question;
}
`;

const target = { id: 'app', provider: 'function', module: './app.mjs#answer' };
const evaluators = [{ type: 'contains', name: 'answers', value: '{{ expected }}' }];

function breakCases(...ids: string[]) {
  writeFileSync(join(suite.dir, 'behaviour.json'), JSON.stringify({ broken: ids }));
}

async function cli(...args: string[]) {
  return runCli([...args, '--db', suite.db], { cwd: suite.dir, timeoutMs: 60_000 });
}

async function latestRun(): Promise<string> {
  const runs = JSON.parse((await cli('runs', '--json')).stdout) as { id: string }[];
  return runs[0]!.id;
}

beforeAll(async () => {
  await ensureBuilt();
  suite = makeSuite({
    cases: numberedCases(6),
    config: { dataset: './golden.jsonl', targets: [target], evaluators },
  });
  suite.write('app.mjs', APP);
  suite.write(
    'regressions.yaml',
    stringify({ dataset: './regressions.jsonl', targets: [target], evaluators, gates: { rebroken: 0 } }),
  );
}, 300_000);
afterAll(() => suite.cleanup());

describe('assay promote and re-broken regression cases', () => {
  it('1. the golden run fails three cases', async () => {
    breakCases('c002', 'c003', 'c005');
    const res = await cli('eval', '-c', 'assay.yaml');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/3\/6 passed/);
    // No regression case in the golden set: nothing to say about re-broken ones.
    expect(res.stdout).not.toMatch(/Re-broken/);
    runIds.push(await latestRun());
  }, 60_000);

  it('2. promote --failed writes them to a regression set, once', async () => {
    const res = await cli('promote', runIds[0]!, '--failed', '--to', 'regressions.jsonl');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/promoted 3 cases of run .* to regressions\.jsonl/);
    const file = join(suite.dir, 'regressions.jsonl');
    const rows = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => r.id)).toEqual(['c002', 'c003', 'c005']);
    for (const r of rows) {
      expect(r.origin).toBe('regression');
      expect(r.expected).toBe(r.question);
      expect(r.promotedFrom).toMatchObject({ runId: runIds[0], caseId: r.id, target: 'app' });
      expect(r.observed).toMatchObject({ target: 'app', text: 'I do not know' });
    }
    const before = readFileSync(file, 'utf8');
    const again = await cli('promote', runIds[0]!, '--failed', '--to', 'regressions.jsonl');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/promoted 0 cases .*; 3 already there/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  }, 60_000);

  it('3. the fix repairs two of them: nothing is re-broken (the third never passed)', async () => {
    breakCases('c005');
    const res = await cli('eval', '-c', 'regressions.yaml');
    expect(res.stdout).toMatch(/2\/3 passed/);
    expect(res.stdout).toMatch(/Re-broken: none \(3 regression cases\)/);
    expect(res.stdout).toMatch(/✔ rebroken: 0 re-broken regression cases ≤ 0/);
    expect(res.code).toBe(0);
    runIds.push(await latestRun());
  }, 60_000);

  it('4. a later change fixes the third and breaks one of the first two again: it is re-broken, and the gate fails', async () => {
    breakCases('c002');
    const res = await cli('eval', '-c', 'regressions.yaml');
    expect(res.stdout).toMatch(/2\/3 passed/);
    expect(res.stdout).toMatch(/Re-broken: 1 regression case result passed before and fail again/);
    expect(res.stdout).toContain(`c002 on app · passed in run ${runIds[1]} · promoted from run ${runIds[0]}`);
    expect(res.stdout).toMatch(/✘ rebroken: 1 re-broken regression case > 0/);
    expect(res.code).toBe(1);
    const id = await latestRun();
    const stored = JSON.parse((await cli('show', id, '--json')).stdout);
    expect(stored.summary.gates).toEqual([
      expect.objectContaining({ gate: 'rebroken', pass: false, actual: 1 }),
    ]);
  }, 60_000);

  it('5. fixed again, the set is green and the gate passes', async () => {
    breakCases();
    const res = await cli('eval', '-c', 'regressions.yaml');
    expect(res.stdout).toMatch(/3\/3 passed/);
    expect(res.stdout).toMatch(/Re-broken: none/);
    expect(res.code).toBe(0);
  }, 60_000);
});
