import { basename, extname, resolve } from 'node:path';
import { importModule, type LoadedConfig, resolvePrompt } from '../config/load.js';
import type { Dataset } from '../core/dataset.js';
import { AssayError } from '../core/errors.js';
import { redactSecrets } from '../core/redact.js';
import type { Provenance } from '../core/run.js';
import type { Evaluator } from '../core/score.js';
import type { UserSimulator } from '../core/simulator.js';
import type { Target } from '../core/target.js';
import { datasetFromRows, loadDataset } from '../datasets/load.js';
import { createEmbeddingService } from '../embeddings/service.js';
import type { EvaluatorContext } from '../evaluators/factory.js';
import { createEvaluators } from '../evaluators/registry.js';
import type { Price } from '../providers/pricing.js';
import { buildScenarioParts } from '../scenarios/build.js';
import { createTargets } from '../targets/from-config.js';
import { contentHash } from '../util/hash.js';
import { preflight } from './preflight.js';

export interface Suite {
  dataset: Dataset;
  targets: Target[];
  evaluators: Evaluator[];
  provenance: Provenance;
  /** USD per million tokens by model (config `pricing:`), for the cost of judge and simulator calls. */
  pricing?: Record<string, Price>;
  /** Evaluators of scripted turns, by `<caseId>#<turn index>`. */
  turnEvaluators?: Map<string, Evaluator[]>;
  /** Each case's own evaluators, by case id, applied after the suite's. */
  caseEvaluators?: Map<string, Evaluator[]>;
  simulator?: UserSimulator;
}

export interface SuiteOptions {
  env: Record<string, string | undefined>;
  assayVersion: string;
  gitCommit?: { commit: string; dirty: boolean };
}

/**
 * Everything a run needs, built from a loaded config: the dataset read and checked, the targets and
 * evaluators built (so a bad evaluator fails here, before any provider is called), the provenance.
 */
export async function buildSuite(loaded: LoadedConfig, options: SuiteOptions): Promise<Suite> {
  const { config, baseDir, file } = loaded;
  const { dataset, datasetPath } = await readSuiteDataset(loaded);
  const prompt = await resolvePrompt(config.prompt, baseDir);
  const targets = await createTargets(config.targets, {
    baseDir,
    env: options.env,
    loadModule: importModule,
    ...(prompt ? { prompt: prompt.prompt } : {}),
    ...(config.pricing ? { pricing: config.pricing } : {}),
  }).catch((error) => {
    throw Object.assign(error, { file: error.file ?? file });
  });
  // What every evaluator may use, built once and shared by case-level and turn-level evaluators alike:
  // `similar` evaluators share embedders; judge evaluators read the suite's targets (self-preference
  // check) and default judge. What needs the store (caches, stored runs) comes with the run.
  const embeddings = createEmbeddingService({
    env: options.env,
    ...(config.embedder ? { defaultSpec: config.embedder } : {}),
  });
  const ctx: EvaluatorContext = {
    baseDir,
    loadModule: importModule,
    env: options.env,
    embeddings,
    judge: {
      targets: targets.map((t) => ({ id: t.id, ...(t.provider ? { provider: t.provider } : {}) })),
      ...(config.judge === undefined ? {} : { defaultJudge: config.judge }),
    },
  };
  const evaluators = await createEvaluators(config.evaluators, ctx, { file });
  const caseEvaluators = await buildCaseEvaluators(dataset, evaluators, ctx);
  const scenario = await buildScenarioParts(config, dataset.cases, ctx, file);
  const judgePrompts = [
    ...evaluators.flatMap((e) => e.judgePrompts ?? []),
    ...[...(caseEvaluators?.values() ?? [])].flat().flatMap((e) => e.judgePrompts ?? []),
    ...[...(scenario.turnEvaluators?.values() ?? [])].flat().flatMap((e) => e.judgePrompts ?? []),
  ];
  // Stored and printed: the values of ${VAR}s (a judge's API key, say) are put back as ${VAR}.
  const provenance: Provenance = redactSecrets(
    {
      assayVersion: options.assayVersion,
      nodeVersion: process.version,
      dataset: {
        name: dataset.name,
        version: dataset.version,
        path: datasetPath,
        cases: dataset.cases.length,
      },
      ...(prompt ? { promptHash: contentHash(prompt.prompt).slice(0, 16) } : {}),
      targets: targets.map((t) => t.describe()),
      evaluators: config.evaluators,
      ...(judgePrompts.length ? { judgePrompts: uniquePrompts(judgePrompts) } : {}),
      configHash: loaded.hash,
      configPath: file,
      ...(options.gitCommit
        ? { gitCommit: options.gitCommit.commit, gitDirty: options.gitCommit.dirty }
        : {}),
    },
    loaded.secrets ?? {},
  );
  await preflight(targets, dataset, config.evaluators, file);
  return {
    dataset,
    targets,
    evaluators,
    provenance,
    ...(config.pricing ? { pricing: config.pricing } : {}),
    ...(caseEvaluators ? { caseEvaluators } : {}),
    ...scenario,
  };
}

/** The config's dataset: a file beside it, or the cases written in the config itself. */
export async function readSuiteDataset(
  loaded: LoadedConfig,
): Promise<{ dataset: Dataset; datasetPath: string }> {
  const { config, baseDir, file } = loaded;
  const ref = typeof config.dataset === 'string' ? { path: config.dataset } : config.dataset;
  if ('path' in ref) {
    return { dataset: await loadDataset(resolve(baseDir, ref.path), ref.name), datasetPath: ref.path };
  }
  const name = ref.name ?? basename(file, extname(file));
  const dataset = datasetFromRows(ref.cases, {
    file,
    name,
    lineOf: (i) => loaded.lineOf?.(['dataset', 'cases', i]),
  });
  return { dataset, datasetPath: `${basename(file)}#dataset` };
}

/**
 * Each case's own evaluators, built (and so checked) before anything runs. A name shared with a
 * suite evaluator would make two scores of one name in a result: refused, naming the case.
 */
async function buildCaseEvaluators(
  dataset: Dataset,
  suiteEvaluators: Evaluator[],
  ctx: EvaluatorContext,
): Promise<Map<string, Evaluator[]> | undefined> {
  const map = new Map<string, Evaluator[]>();
  const suiteNames = new Set(suiteEvaluators.map((e) => e.name));
  for (const c of dataset.cases) {
    if (!c.evaluators?.length) continue;
    const at = { ...(dataset.path ? { file: dataset.path } : {}), path: [`case ${c.id}`, 'evaluators'] };
    const built = await createEvaluators(c.evaluators as Record<string, unknown>[], ctx, at);
    const clash = built.find((e) => suiteNames.has(e.name));
    if (clash) {
      throw new AssayError(
        'evaluator.invalid',
        `case ${c.id} has an evaluator named "${clash.name}" like one of the suite's; give it a "name"`,
        { ...(dataset.path ? { file: dataset.path } : {}), field: `case ${c.id}.evaluators` },
      );
    }
    map.set(c.id, built);
  }
  return map.size ? map : undefined;
}

/** Turn evaluators repeat per case: each prompt record once. */
function uniquePrompts(records: unknown[]): unknown[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    const key = JSON.stringify(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
