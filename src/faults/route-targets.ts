import type { LoadedConfig } from '../config/load.js';
import { isFunctionTarget, isHttpTarget, type TargetConfig } from '../config/schema.js';
import { redactCredentials } from '../core/redact.js';
import { ANTHROPIC_BASE_URL } from '../providers/anthropic.js';
import { OPENAI_BASE_URL } from '../providers/openai.js';
import { createRng, DEFAULT_SEED } from '../stats/random.js';
import { type FaultCounts, type FaultProxy, startFaultProxy } from './fault-proxy.js';
import type { Fault } from './fault-spec.js';

/** Where a provider family sends requests when the config gives no `baseURL`. */
const DEFAULT_BASE: Record<string, string> = { openai: OPENAI_BASE_URL, anthropic: ANTHROPIC_BASE_URL };

export interface FaultRouting {
  /** The config with every HTTP-based target pointed at its proxy (same hash: the suite is the same). */
  loaded: LoadedConfig;
  proxies: FaultProxy[];
  /** Targets the faults cannot reach, with why: function targets, hosts made by a template. */
  skipped: string[];
  /** Requests seen by all proxies, by what was done to them. */
  counts(): FaultCounts;
  /** Puts the real origins back where a proxy URL was copied (target descriptions in provenance). */
  unproxy<T>(value: T): T;
  close(): Promise<void>;
}

const ORIGIN = /^(https?:\/\/[^/?#]+)(.*)$/i;

/**
 * Starts one fault proxy per upstream origin and rewrites the targets' `url` / `baseURL` to go
 * through it. Rewriting the config before the suite is built keeps the targets unaware of faults:
 * they call what looks like the real service, only slower or broken now and then.
 */
export async function routeThroughFaults(
  loaded: LoadedConfig,
  faults: readonly Fault[],
  seed = DEFAULT_SEED,
): Promise<FaultRouting> {
  const byOrigin = new Map<string, FaultProxy>();
  const skipped: string[] = [];
  const proxyFor = async (origin: string) => {
    let proxy = byOrigin.get(origin.toLowerCase());
    if (!proxy) {
      const rng = createRng(seed + byOrigin.size);
      proxy = await startFaultProxy({ upstream: origin, faults, random: () => rng.next() });
      byOrigin.set(origin.toLowerCase(), proxy);
    }
    return proxy.url;
  };
  const reroute = async (url: string, what: string): Promise<string | undefined> => {
    const m = ORIGIN.exec(url);
    if (!m || m[1]!.includes('{{')) {
      skipped.push(`${what}: its host is not a fixed http(s) origin (${redactCredentials(url)})`);
      return undefined;
    }
    return (await proxyFor(m[1]!)) + m[2]!;
  };

  const targets: TargetConfig[] = [];
  try {
    for (const t of loaded.config.targets) {
      const id = t.id ?? t.provider;
      if (isFunctionTarget(t)) {
        skipped.push(`${id}: a function target makes no HTTP call Assay can see`);
        targets.push(t);
      } else if (isHttpTarget(t)) {
        const url = await reroute(t.url, id);
        targets.push(url ? { ...t, url } : t);
      } else {
        const family = t.provider.slice(0, t.provider.indexOf(':'));
        const base = t.baseURL ?? DEFAULT_BASE[family];
        if (!base) {
          skipped.push(`${id}: no baseURL, and no default one is known for "${family}"`);
          targets.push(t);
          continue;
        }
        const baseURL = await reroute(base, id);
        targets.push(baseURL ? { ...t, baseURL } : t);
      }
    }
  } catch (error) {
    await Promise.all([...byOrigin.values()].map((p) => p.close()));
    throw error;
  }

  const proxies = [...byOrigin.values()];
  const swaps = proxies.map((p) => [p.url, p.upstream] as const);
  const unproxyText = (s: string) => swaps.reduce((acc, [from, to]) => acc.split(from).join(to), s);
  const unproxy = <T>(value: T): T => {
    if (typeof value === 'string') return unproxyText(value) as T;
    if (Array.isArray(value)) return value.map(unproxy) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unproxy(v)])) as T;
    }
    return value;
  };
  return {
    loaded: { ...loaded, config: { ...loaded.config, targets } },
    proxies,
    skipped,
    counts() {
      const total: FaultCounts = { passed: 0, latency: 0, error: 0, timeout: 0, reset: 0 };
      for (const p of proxies)
        for (const k of Object.keys(total) as (keyof FaultCounts)[]) total[k] += p.counts[k];
      return total;
    },
    unproxy,
    close: async () => {
      await Promise.all(proxies.map((p) => p.close()));
    },
  };
}
