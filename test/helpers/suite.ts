import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface TempSuite {
  dir: string;
  config: string;
  dataset: string;
  db: string;
  /** Writes another file into the suite's folder; returns its path. */
  write(name: string, text: string): string;
  cleanup(): void;
}

/** A throwaway folder for a test. */
export function tempDir(prefix = 'assay-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `count` cases `{id: c001, question: 'question 1', expected: ...}`, tagged by difficulty. */
export function numberedCases(count: number): Record<string, unknown>[] {
  const levels = ['easy', 'medium', 'hard'];
  return Array.from({ length: count }, (_, i) => ({
    id: `c${String(i + 1).padStart(3, '0')}`,
    question: `question ${i + 1}`,
    expected: `question ${i + 1}`,
    tags: { difficulty: levels[i % 3] },
  }));
}

/**
 * Writes `golden.jsonl` (from `cases`, or raw text) and `assay.yaml` (an object, or raw YAML text)
 * into a temp folder; the store is `assay.db` beside them.
 */
export function makeSuite(options: {
  cases?: Record<string, unknown>[];
  datasetText?: string;
  config: Record<string, unknown> | string;
}): TempSuite {
  const { dir, cleanup } = tempDir();
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const dataset = write(
    'golden.jsonl',
    options.datasetText ?? `${(options.cases ?? []).map((c) => JSON.stringify(c)).join('\n')}\n`,
  );
  const config = write(
    'assay.yaml',
    typeof options.config === 'string' ? options.config : stringify(options.config),
  );
  return { dir, config, dataset, db: join(dir, 'assay.db'), write, cleanup };
}

/** An assay.yaml for one OpenAI-compatible target at `baseURL`, keyed by `${TEST_API_KEY}`. */
export function openaiConfig(baseURL: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    description: 'e2e',
    dataset: './golden.jsonl',
    prompt: '{{ question }}',
    targets: [
      {
        id: 'model',
        provider: 'openai:fake-model',
        baseURL,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a config ${VAR}, not a JS template.
        apiKey: '${TEST_API_KEY}',
        params: { temperature: 0, max_tokens: 64 },
      },
    ],
    evaluators: [{ type: 'contains', name: 'mentions', value: '{{ expected }}' }],
    ...extra,
  };
}
