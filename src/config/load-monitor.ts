import { AssayError } from '../core/errors.js';
import { envValuesUsed, interpolateEnv } from './env.js';
import { readRaw, zodFailure } from './load.js';
import { type MonitorConfig, monitorSchema } from './monitor.js';

export interface LoadedMonitorConfig {
  monitor: MonitorConfig;
  file: string;
  /** The `${VAR}`s the section names and their values (a webhook URL is a secret). */
  secrets: Record<string, string>;
}

/**
 * Reads the `monitor:` section of a config file: `assay.yaml` (next to the suite) or a file of its
 * own holding only `monitor:`. Same reader, `${VAR}` filling and one-line errors (file, line, field)
 * as `loadConfig`; a file without the section gives the defaults.
 *
 * @example const { monitor } = await loadMonitorConfig('assay.yaml', process.env)
 */
export async function loadMonitorConfig(
  file: string,
  env: Record<string, string | undefined>,
): Promise<LoadedMonitorConfig> {
  const { raw, lineOf } = await readRaw(file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new AssayError('config.invalid', 'the config must be a mapping of keys (monitor, …)', { file });
  }
  const section = (raw as Record<string, unknown>).monitor ?? {};
  const filled = interpolateEnv(section, env, file, ['monitor'], lineOf);
  const parsed = monitorSchema.safeParse(filled);
  if (!parsed.success) zodFailure(parsed.error, file, lineOf, ['monitor']);
  return { monitor: parsed.data, file, secrets: envValuesUsed(section, env) };
}
