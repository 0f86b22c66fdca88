import type { RunObserver } from '../runner/run-eval.js';
import { type ExporterOptions, type ExportTally, OtlpJsonExporter } from './exporter.js';
import { resultSpan, type TargetInfo } from './result-span.js';

export interface OtlpObserver extends RunObserver {
  /** Sends the spans still buffered; resolves with how many got through. */
  close(): Promise<ExportTally>;
}

/**
 * A run observer that exports every evaluated output as an OTLP span with its scores as
 * `gen_ai.evaluation.result` events. Plug it into `runEval`/`runPipeline` and await `close()` after.
 *
 * @example
 * const otlp = otlpObserver({ url: 'http://localhost:4318/v1/traces' }, { model: { provider: 'openai:gpt-4o' } });
 * await runPipeline(loaded, { store, observers: [otlp] });
 * const { exported, failed } = await otlp.close();
 */
export function otlpObserver(
  options: ExporterOptions,
  targets: Record<string, TargetInfo> = {},
  now: () => number = Date.now,
): OtlpObserver {
  const exporter = new OtlpJsonExporter(options);
  return {
    onResult(result) {
      exporter.add(resultSpan(result, targets[result.target] ?? {}, now()));
    },
    onEnd() {
      void exporter.flush();
    },
    close: () => exporter.close(),
  };
}
