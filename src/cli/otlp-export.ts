import type { Target } from '../core/target.js';
import { type OtlpObserver, otlpObserver } from '../otel/observer.js';
import type { TargetInfo } from '../otel/result-span.js';
import { otlpSettings } from '../otel/settings.js';
import { assayVersion } from './version.js';

/** `--otlp-endpoint` / `OTEL_EXPORTER_OTLP_*` of `assay eval`: the observer, and the line it ends with. */
export function otlpExport(
  flag: string | undefined,
  env: Record<string, string | undefined>,
): { observer: OtlpObserver; targets(targets: Target[]): void; close(): Promise<string> } | undefined {
  const settings = otlpSettings(flag, env);
  if (!settings) return undefined;
  const targets: Record<string, TargetInfo> = {};
  const observer = otlpObserver(
    {
      url: settings.url,
      headers: settings.headers,
      resource: { 'service.name': env.OTEL_SERVICE_NAME || 'assay' },
      scope: { name: 'assay', version: assayVersion() },
    },
    targets,
  );
  return {
    observer,
    targets(list) {
      for (const t of list) targets[t.id] = t.provider ? { provider: t.provider } : {};
    },
    async close() {
      const tally = await observer.close();
      if (tally.failed === 0) return `assay: ${tally.exported} spans exported over OTLP\n`;
      return `assay: warning: ${tally.failed} of ${tally.exported + tally.failed} spans not exported over OTLP: ${tally.error}\n`;
    },
  };
}
