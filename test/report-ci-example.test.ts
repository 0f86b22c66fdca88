import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../src/cli/main.js';

const WORKFLOW = new URL('../examples/ci/assay.yml', import.meta.url);

interface Step {
  run?: string;
  uses?: string;
}

/** Every `assay <command> --flag` in the workflow, with the flags commander knows for that command. */
function assayInvocations(steps: Step[]): { command: string; flags: string[] }[] {
  return steps
    .flatMap((s) => (s.run ?? '').split(/\n|\|\|/))
    .flatMap((line) => [...line.matchAll(/npx assay (\w+)([^|)]*)/g)])
    .map((m) => ({ command: m[1]!, flags: [...m[2]!.matchAll(/(--[a-z-]+)/g)].map((f) => f[1]!) }));
}

describe('the GitHub Actions example', () => {
  const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as {
    on: Record<string, unknown>;
    jobs: Record<string, { if: string; steps: Step[] }>;
  };
  const program = buildProgram();
  const known = (name: string) =>
    new Set((program.commands.find((c: Command) => c.name() === name)?.options ?? []).map((o) => o.long));

  it('runs a stratified smoke subset on pull requests and the full set nightly', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request', 'schedule', 'workflow_dispatch']);
    const smoke = assayInvocations(workflow.jobs.smoke!.steps);
    expect(smoke[0]!.command).toBe('eval');
    expect(smoke[0]!.flags).toEqual(
      expect.arrayContaining(['--sample', '--stratify-by', '--html', '--junit', '--markdown']),
    );
    const nightly = assayInvocations(workflow.jobs.nightly!.steps);
    const fullRun = nightly.find((i) => i.command === 'eval')!;
    expect(fullRun.flags).not.toContain('--sample');
    expect(nightly.some((i) => i.command === 'report' && i.flags.includes('--baseline'))).toBe(true);
    expect(workflow.jobs.nightly!.steps.some((s) => s.uses?.startsWith('actions/upload-artifact'))).toBe(
      true,
    );
  });

  it('uses only commands and flags the CLI has', () => {
    const all = [
      ...assayInvocations(workflow.jobs.smoke!.steps),
      ...assayInvocations(workflow.jobs.nightly!.steps),
    ];
    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const { command, flags } of all) {
      const options = known(command);
      expect(options.size, `assay ${command}`).toBeGreaterThan(0);
      for (const f of flags) expect(options.has(f), `assay ${command} ${f}`).toBe(true);
    }
  });
});
