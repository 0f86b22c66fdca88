/** What a provider is built from: the target's (or judge's) keys, with secrets already filled in. */
export interface ProviderSettings {
  family: string;
  model: string;
  baseURL?: string;
  apiKey?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Folder that a local model's relative path is resolved against (the config's; default: cwd). */
  baseDir?: string;
}
