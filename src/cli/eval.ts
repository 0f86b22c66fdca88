import { resolve } from 'node:path';
import { findConfig, loadConfig } from '../config/load.js';
import { AssayError } from '../core/errors.js';
import { redactCredentials } from '../core/redact.js';
import type { RunRecord } from '../core/run.js';
import type { Store } from '../core/store.js';
import { filterCases, parseTagFilters } from '../datasets/filter.js';
import { parseSampleSize, type SampleOptions, stratifiedSample } from '../datasets/sample.js';
import { datasetVersion } from '../datasets/version.js';
import { faultsForEval } from '../faults/eval-faults.js';
import { checkRebroken } from '../gates/rebroken-check.js';
import { regressionGate } from '../gates/regression-gate.js';
import { writeResultsJson } from '../report/json.js';
import { formatSummary } from '../report/terminal.js';
import { openStore } from '../store/open.js';
import { buildSuite, type Suite } from '../suite/build-suite.js';
import { runSuite } from '../suite/run-suite.js';
import { EXIT } from './exit-codes.js';
import { gitCommit } from './git.js';
import { reportJudgeBias } from './judge-bias.js';
import { memoryGovernor } from './memory-governor.js';
import { progressObserver } from './progress.js';
import { newRunId } from './run-id.js';
import { assayVersion } from './version.js';

export interface EvalFlags {
  config?: string;
  output?: string;
  concurrency?: number;
  cache: boolean;
  resume?: string | boolean;
  db?: string;
  filterTag?: string[];
  repeat?: number;
  replay?: string;
  sample?: string;
  stratifyBy?: string;
  seed?: number;
  description?: string;
  fault?: string;
  faultSeed?: number;
  html?: string;
  junit?: string;
  markdown?: string;
}

/**
 * `--replay <run-id>`: the user turns of that run's conversations (simulated ones included) become
 * the scripted turns of this run, so a simulated conversation replays deterministically.
 */
async function replayTranscripts(store: Store, runId: string, suite: Suite): Promise<void> {
  const run = await store.getRun(runId);
  if (!run) throw new AssayError('run.not-found', `no run "${runId}" to replay`);
  const turns = new Map<string, string[]>();
  for await (const r of store.results(runId)) {
    if (r.output?.turns?.length && !turns.has(r.caseId))
      turns.set(
        r.caseId,
        r.output.turns.map((t) => t.user),
      );
  }
  if (turns.size === 0) throw new AssayError('usage', `run ${run.id} has no conversations to replay`);
  for (const c of suite.dataset.cases) {
    const users = turns.get(c.id);
    if (!users) continue;
    const scripted = c.turns ?? [];
    c.turns = users.map((user, i) => (scripted[i]?.user === user ? scripted[i]! : { user }));
  }
  delete suite.simulator;
  suite.provenance.filters = { ...suite.provenance.filters, replayOf: run.id };
}

/** `--sample 10% --stratify-by type,difficulty --seed 7` as stored in the run's provenance. */
function sampleSpec(flags: EvalFlags): Record<string, unknown> | undefined {
  if (!flags.sample) {
    if (flags.stratifyBy) throw new AssayError('usage', '--stratify-by goes with --sample');
    return undefined;
  }
  const by = flags.stratifyBy
    ? flags.stratifyBy
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  return { size: parseSampleSize(flags.sample), by, seed: flags.seed ?? 1 };
}

/** `assay eval`: load, check, run, store, summarise, gate. Returns the exit code. */
export async function evalCommand(flags: EvalFlags): Promise<number> {
  const cwd = process.cwd();
  const file = findConfig(flags.config, cwd);
  const loaded = await loadConfig(file, process.env);
  // A gate that cannot be checked must not pass silently.
  if (loaded.config.gates.noRegression && !loaded.config.gates.baseline)
    throw new AssayError('config.invalid', 'noRegression needs a baseline (a run id or a results JSON)', {
      file,
      field: 'gates.baseline',
    });
  const faults = flags.fault
    ? await faultsForEval(loaded, flags.fault, flags.faultSeed, (line) => process.stderr.write(line))
    : undefined;
  const suite = await buildSuite(faults?.loaded ?? loaded, {
    env: process.env,
    assayVersion: assayVersion(),
    gitCommit: gitCommit(loaded.baseDir),
  });
  faults?.apply(suite.provenance);
  const store = await openStore(flags.db);
  const out = process.stdout;
  try {
    let resume: RunRecord | undefined;
    if (flags.resume) {
      resume =
        typeof flags.resume === 'string'
          ? await store.getRun(flags.resume)
          : await store.latestUnfinished(loaded.hash);
      if (!resume) {
        throw new AssayError(
          'run.not-found',
          typeof flags.resume === 'string'
            ? `no run "${flags.resume}" in the store`
            : 'no unfinished run of this config to resume',
        );
      }
      if (resume.status === 'completed')
        throw new AssayError('usage', `run ${resume.id} is already completed`);
    }
    // The whole dataset is stored under its version before a filter or sample narrows the run:
    // reports of any later run of that version need every case.
    const ds = suite.dataset;
    await store.saveDataset(
      {
        name: ds.name,
        version: ds.version,
        caseCount: ds.cases.length,
        createdAt: new Date().toISOString(),
        ...(ds.path ? { path: ds.path } : {}),
      },
      ds.cases,
    );
    const filters =
      resume?.provenance.filters ??
      (flags.filterTag?.length ? { tags: parseTagFilters(flags.filterTag) } : undefined);
    if (filters?.tags) {
      suite.dataset.cases = filterCases(suite.dataset.cases, filters.tags as Record<string, string[]>);
      if (suite.dataset.cases.length === 0) throw new AssayError('usage', 'no case matches --filter-tag');
      suite.provenance.filters = { ...filters, selectedVersion: datasetVersion(suite.dataset.cases) };
    }

    const sample = resume?.provenance.sample ?? sampleSpec(flags);
    if (sample) {
      const before = suite.dataset.cases.length;
      suite.dataset.cases = stratifiedSample(suite.dataset.cases, sample as unknown as SampleOptions);
      suite.provenance.sample = { ...sample, selected: suite.dataset.cases.length, of: before };
    }
    if (flags.replay) await replayTranscripts(store, flags.replay, suite);
    const runId = resume?.id ?? newRunId();
    const controller = new AbortController();
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts > 1) process.exit(EXIT.infrastructure);
      process.stderr.write('\nassay: stopping; completed results are kept (Ctrl-C again to quit at once)\n');
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    out.write(
      `assay: run ${runId}${resume ? ' (resumed)' : ''} · ${suite.dataset.name}@${suite.dataset.version} · ${suite.dataset.cases.length} cases × ${suite.targets.length} targets\n`,
    );
    const progress = await progressObserver();
    let result: Awaited<ReturnType<typeof runSuite>>;
    try {
      result = await runSuite(suite, {
        store,
        runId,
        // The flag describes this run; the config's description is the suite's default.
        ...(flags.description || loaded.config.description
          ? { description: flags.description ?? loaded.config.description }
          : {}),
        concurrency: flags.concurrency ?? loaded.config.concurrency,
        retries: loaded.config.retries,
        timeoutMs: loaded.config.timeoutMs,
        // Repeats measure how answers (and judges) vary: every try is a fresh call, none from the cache.
        cache:
          flags.cache &&
          loaded.config.cache &&
          !faults &&
          (resume?.provenance.repeat ?? flags.repeat ?? 1) <= 1,
        gates: loaded.config.gates,
        ...(flags.repeat ? { repeat: flags.repeat } : {}),
        ...(resume ? { resume } : {}),
        observers: [progress, memoryGovernor()],
        signal: controller.signal,
      });
    } finally {
      progress.stop();
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
    const { run, outcome } = result;
    const { baseline, noRegression } = loaded.config.gates;
    if (baseline && noRegression && outcome.status === 'completed') {
      const { gate, comparison } = await regressionGate(store, run.id, baseline, loaded.baseDir);
      outcome.summary.gates = [...(outcome.summary.gates ?? []), gate];
      await store.saveArtifact(run.id, 'comparison', comparison);
      await store.updateRun(run.id, { summary: outcome.summary });
    }
    const rebroken = await checkRebroken({
      store,
      run,
      summary: outcome.summary,
      cases: suite.dataset.cases,
      ...(loaded.config.gates.rebroken === undefined ? {} : { max: loaded.config.gates.rebroken }),
      color: Boolean(out.isTTY),
    });
    out.write(`\n${formatSummary(run, outcome.summary, { color: Boolean(out.isTTY) })}\n`);
    // Bias checks read every result back: only for runs that used a judge.
    if (outcome.status === 'completed' && run.provenance.judgePrompts?.length)
      await reportJudgeBias(store, run.id, out);
    if (rebroken.text) out.write(`${rebroken.text}\n`);
    if (faults) out.write(`${faults.summary()}\n`);
    if (flags.output) {
      await writeResultsJson(resolve(cwd, flags.output), run, store.results(run.id), outcome.caseStats);
      out.write(`assay: results written to ${flags.output}\n`);
    }
    if (flags.html || flags.junit || flags.markdown || process.env.GITHUB_STEP_SUMMARY) {
      await (await import('./report.js')).writeRunReports(
        store,
        run.id,
        { html: flags.html, junit: flags.junit, markdown: flags.markdown },
        { cwd, env: process.env, out, stepSummary: true, embedder: loaded.config.embedder },
      );
    }
    const resumeHint = redactCredentials(
      `assay eval${flags.config ? ` -c ${flags.config}` : ''}${flags.db ? ` --db ${flags.db}` : ''} --resume ${run.id}`,
    );
    if (outcome.status === 'interrupted') {
      process.stderr.write(`assay: interrupted. Resume with:\n  ${resumeHint}\n`);
      return EXIT.infrastructure;
    }
    if (outcome.status === 'aborted') {
      process.stderr.write(
        `assay: error: run aborted: ${redactCredentials(outcome.error ?? '')}\nassay: fix the cause, then resume with:\n  ${resumeHint}\n`,
      );
      return EXIT.infrastructure;
    }
    out.write(`assay: run ${run.id} stored in ${redactCredentials(flags.db ?? '.assay/assay.db')}\n`);
    return outcome.summary.gates?.some((g) => !g.pass) ? EXIT.gatesFailed : EXIT.ok;
  } finally {
    await store.close();
    await faults?.close();
  }
}
