import type { EvaluatorConfig } from '../config/schema.js';
import { type Case, templateScope } from '../core/case.js';
import type { Dataset } from '../core/dataset.js';
import { AssayError, isAssayError } from '../core/errors.js';
import type { Target } from '../core/target.js';
import { compileDeep } from '../templates/render.js';

/**
 * What can be checked before the first call is checked, so a broken suite is exit 2 naming the
 * target or evaluator instead of a run of error results: every target loads (a function target's
 * module and export), every target's request renders for every single-turn case, and every
 * evaluator's templates render for every case. Rendering costs about a microsecond a case.
 */
export async function preflight(
  targets: Target[],
  dataset: Dataset,
  evaluators: readonly EvaluatorConfig[],
  configFile: string,
): Promise<void> {
  for (const t of targets) {
    await t.check?.().catch((error) => {
      throw isAssayError(error) && !error.file ? Object.assign(error, { file: configFile }) : error;
    });
  }
  checkPrompts(targets, dataset);
  checkEvaluatorTemplates(evaluators, dataset, configFile);
}

function checkPrompts(targets: Target[], dataset: Dataset): void {
  for (const c of dataset.cases) {
    if (c.turns?.length || c.vars.simulate !== undefined) continue;
    for (const t of targets) {
      try {
        t.plan(c);
      } catch (error) {
        if (!isAssayError(error) || error.code !== 'template.render') throw error;
        throw new AssayError('template.render', `case ${c.id}, target ${t.id}: ${error.message}`, {
          ...(dataset.path ? { file: dataset.path } : {}),
          cause: error,
        });
      }
    }
  }
}

/** The options of an evaluator that are templates of the case (the judge's `reference` may fail). */
const TEMPLATE_OPTIONS = ['value', 'sources', 'calls', 'input'] as const;

/**
 * Renders each evaluator's case templates (`value: "{{ expected }}"`, …) for every case, with an
 * empty output: a variable no case has is a config error naming the evaluator and the case.
 */
function checkEvaluatorTemplates(configs: readonly EvaluatorConfig[], dataset: Dataset, file: string): void {
  const checks = templateChecks(configs, 'evaluators');
  if (checks.length === 0) return;
  for (const c of dataset.cases as Case[]) {
    const scope = { ...templateScope(c), output: '' };
    for (const { name, field, render } of checks) {
      try {
        render(scope);
      } catch (error) {
        if (!isAssayError(error) || error.code !== 'template.render') throw error;
        throw new AssayError('template.render', `evaluator "${name}", case ${c.id}: ${error.message}`, {
          file,
          field,
          cause: error,
        });
      }
    }
  }
}

interface TemplateCheck {
  name: string;
  field: string;
  render: (scope: Record<string, unknown>) => unknown;
}

function templateChecks(configs: readonly unknown[], path: string): TemplateCheck[] {
  const out: TemplateCheck[] = [];
  configs.forEach((raw, i) => {
    if (!raw || typeof raw !== 'object') return;
    const e = raw as Record<string, unknown>;
    const at = `${path}[${i}]`;
    const name = typeof e.name === 'string' ? e.name : String(e.type);
    for (const key of TEMPLATE_OPTIONS) {
      if (e[key] === undefined) continue;
      try {
        out.push({ name, field: `${at}.${key}`, render: compileDeep(e[key], `${name}.${key}`) });
      } catch {
        // A template that does not compile is the evaluator factory's error to report.
      }
    }
    // Combinators: `all`, `any`, `weighted` (evaluators) and `not` (evaluator).
    if (Array.isArray(e.evaluators)) out.push(...templateChecks(e.evaluators, `${at}.evaluators`));
    if (e.evaluator) out.push(...templateChecks([e.evaluator], `${at}.evaluator`));
  });
  return out;
}
