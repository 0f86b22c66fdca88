import { resolve } from 'node:path';
import { findConfig, loadConfig } from '../config/load.js';
import { AssayError } from '../core/errors.js';
import { redactCredentials } from '../core/redact.js';
import { PROJECT_NAME } from '../core/run.js';
import { parseTagFilters } from '../datasets/filter.js';
import { writeResultsJson } from '../report/json.js';
import { formatRebroken } from '../report/rebroken.js';
import { formatSampleDraw } from '../report/sample-draw.js';
import { formatBrokenTargets, formatSummary } from '../report/terminal.js';
import { openStore } from '../store/open.js';
import { buildSuite } from '../suite/build-suite.js';
import { runPipeline } from '../suite/run-pipeline.js';
import { EXIT } from './exit-codes.js';
import { gitCommit } from './git.js';
import { memoryGovernor } from './memory-governor.js';
import { otlpExport } from './otlp-export.js';
import { progressObserver } from './progress.js';
import { sampleFlags } from './sample-flags.js';
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
  /** The project the run is stored under (overrides the config's `project:`). */
  project?: string;
  fault?: string;
  faultSeed?: number;
  html?: string;
  junit?: string;
  markdown?: string;
  otlpEndpoint?: string;
  /** Enqueue the work for `assay worker`s instead of running it here (PostgreSQL store). */
  workers?: boolean;
  /** Seconds before a job a worker took and did not finish is handed out again. */
  jobExpiry?: number;
}

type ReadyPlan = Parameters<NonNullable<Parameters<typeof runPipeline>[1]['onReady']>>[0];

/** `--workers` runs a new, whole run on a PostgreSQL store; the rest is for in-process runs. */
function checkWorkerFlags(flags: EvalFlags): void {
  if (!flags.db || !/^postgres(ql)?:\/\//.test(flags.db))
    throw new AssayError('usage', '--workers needs a PostgreSQL store: --db postgres://…');
  const unsupported = (
    [
      ['--resume', flags.resume],
      ['--replay', flags.replay],
      ['--sample', flags.sample],
      ['--filter-tag', flags.filterTag?.length],
      ['--fault', flags.fault],
    ] as const
  ).filter(([, v]) => v);
  if (unsupported.length)
    throw new AssayError('usage', `--workers does not take ${unsupported.map(([f]) => f).join(', ')} yet`);
}

/** `assay eval`: flags in, the pipeline run, the summary printed, the exit code out. */
export async function evalCommand(flags: EvalFlags): Promise<number> {
  const cwd = process.cwd();
  const out = process.stdout;
  const color = Boolean(out.isTTY);
  if (flags.project !== undefined && !PROJECT_NAME.test(flags.project))
    throw new AssayError(
      'usage',
      `--project "${flags.project}": use letters, digits, ".", "_" or "-" (at most 64)`,
    );
  const loaded = await loadConfig(findConfig(flags.config, cwd), process.env);
  const sample = sampleFlags(flags);
  const otlp = otlpExport(flags.otlpEndpoint, process.env);
  if (flags.workers) checkWorkerFlags(flags);
  const faults = flags.fault
    ? await (await import('../faults/eval-faults.js')).faultsForEval(
        loaded,
        flags.fault,
        flags.faultSeed,
        (line) => process.stderr.write(line),
      )
    : undefined;
  const suite = await buildSuite(faults?.loaded ?? loaded, {
    env: process.env,
    assayVersion: assayVersion(),
    gitCommit: gitCommit(loaded.baseDir),
  });
  faults?.apply(suite.provenance);
  otlp?.targets(suite.targets);
  const store = await openStore(flags.db);
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(EXIT.infrastructure);
    process.stderr.write('\nassay: stopping; completed results are kept (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  const progress = await progressObserver();
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const onReady = ({ runId, resumed, suite: s, sample: draw }: ReadyPlan) => {
    if (draw) process.stderr.write(formatSampleDraw(draw));
    out.write(
      `assay: run ${runId}${resumed ? ' (resumed)' : ''} · ${s.dataset.name}@${s.dataset.version} · ${s.dataset.cases.length} cases × ${s.targets.length} targets\n`,
    );
  };
  const ran = flags.workers
    ? (await import('../distributed/run-distributed.js')).runDistributed(loaded, {
        store,
        suite,
        url: flags.db as string,
        cwd,
        env: process.env,
        ...(flags.repeat ? { repeat: flags.repeat } : {}),
        ...(flags.description ? { description: flags.description } : {}),
        ...(flags.project ? { project: flags.project } : {}),
        ...(flags.jobExpiry ? { expireInSeconds: flags.jobExpiry } : {}),
        cache: flags.cache,
        ...(suite.provenance.gitCommit
          ? { gitCommit: { commit: suite.provenance.gitCommit, dirty: Boolean(suite.provenance.gitDirty) } }
          : {}),
        // The results workers store, as they arrive: the progress bar, and spans for --otlp-endpoint.
        observers: [progress, ...(otlp ? [otlp.observer] : [])],
        signal: controller.signal,
        onReady: (plan) => onReady({ ...plan, resumed: false }),
      })
    : runPipeline(loaded, {
        store,
        suite,
        select: {
          ...(flags.filterTag?.length ? { tags: parseTagFilters(flags.filterTag) } : {}),
          ...(sample ? { sample } : {}),
        },
        ...(flags.resume ? { resume: flags.resume === true ? true : flags.resume } : {}),
        ...(flags.replay ? { replay: flags.replay } : {}),
        ...(flags.description ? { description: flags.description } : {}),
        ...(flags.project ? { project: flags.project } : {}),
        ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
        ...(flags.repeat ? { repeat: flags.repeat } : {}),
        // Injected faults must reach the targets, not be answered from the cache.
        cache: flags.cache && !faults,
        observers: [progress, memoryGovernor(), ...(otlp ? [otlp.observer] : [])],
        signal: controller.signal,
        onReady,
      });
  try {
    const { run, outcome, artefacts, brokenTargets } = await ran.finally(() => {
      progress.stop();
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    });
    out.write(`\n${formatSummary(run, outcome.summary, { color })}\n`);
    if (otlp) process.stderr.write(await otlp.close());
    if (artefacts.judgeBias) {
      const { formatJudgeBias } = await import('../report/judge-bias.js');
      out.write(`\n${formatJudgeBias(artefacts.judgeBias, { color })}\n`);
    }
    if (artefacts.rebroken)
      out.write(`${formatRebroken(artefacts.rebroken.cases, artefacts.rebroken.regressionCases, color)}\n`);
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
    if (brokenTargets.length) {
      process.stderr.write(formatBrokenTargets(brokenTargets, outcome.summary));
      return EXIT.infrastructure;
    }
    return outcome.summary.gates?.some((g) => !g.pass) ? EXIT.gatesFailed : EXIT.ok;
  } finally {
    await store.close();
    await faults?.close();
  }
}
