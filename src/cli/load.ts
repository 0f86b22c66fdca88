import { resolve } from 'node:path';
import { findConfig, loadConfig } from '../config/load.js';
import { parseDuration } from '../core/duration.js';
import { AssayError } from '../core/errors.js';
import { filterCases, parseTagFilters } from '../datasets/filter.js';
import { describeFaultCounts } from '../faults/fault-proxy.js';
import { formatFaults, parseFaultSpec } from '../faults/fault-spec.js';
import { type FaultRouting, routeThroughFaults } from '../faults/route-targets.js';
import { formatLoadResult } from '../load/format-load.js';
import type { LoadResult } from '../load/load-recorder.js';
import { type LoadCall, runLoad } from '../load/run-load.js';
import { checkSlo, DEFAULT_SLO, parseSlo, type SloOutcome } from '../load/slo.js';
import { writeTextFile } from '../report/write-file.js';
import { buildSuite } from '../suite/build-suite.js';
import { EXIT } from './exit-codes.js';
import { assayVersion } from './version.js';

export interface LoadFlags {
  config?: string;
  target?: string;
  rps?: number;
  concurrency?: number;
  duration?: string;
  timeout?: string;
  slo?: string;
  fault?: string;
  faultSeed?: number;
  json?: string;
  filterTag?: string[];
  stream?: boolean;
}

/** `assay load`: one target under a steady rate (or a fixed concurrency), with optional faults. */
export async function loadCommand(flags: LoadFlags): Promise<number> {
  if ((flags.rps === undefined) === (flags.concurrency === undefined)) {
    throw new AssayError('usage', 'give either --rps R (open loop) or --concurrency C (closed loop)');
  }
  const durationMs = parseDuration(flags.duration ?? '60s', { field: '--duration' });
  const faults = flags.fault ? parseFaultSpec(flags.fault) : undefined;
  const cwd = process.cwd();
  const loaded = await loadConfig(findConfig(flags.config, cwd), process.env);
  const slo = flags.slo
    ? parseSlo(flags.slo)
    : loaded.config.slo !== undefined
      ? parseSlo(loaded.config.slo, 'slo')
      : parseSlo(DEFAULT_SLO);
  const timeoutMs = flags.timeout
    ? parseDuration(flags.timeout, { field: '--timeout' })
    : loaded.config.timeoutMs;

  let routing: FaultRouting | undefined;
  if (faults) routing = await routeThroughFaults(loaded, faults, flags.faultSeed);
  try {
    for (const why of routing?.skipped ?? []) process.stderr.write(`assay: no faults for ${why}\n`);
    const suite = await buildSuite(routing?.loaded ?? loaded, {
      env: process.env,
      assayVersion: assayVersion(),
    });
    const target = pickTarget(suite.targets, flags.target);
    let cases = suite.dataset.cases;
    if (flags.filterTag?.length) {
      cases = filterCases(cases, parseTagFilters(flags.filterTag));
      if (cases.length === 0) throw new AssayError('usage', 'no case matches --filter-tag');
    }
    let call: LoadCall | undefined;
    let ttftNote = 'the target does not stream; --stream measures it for openai: targets';
    if (flags.stream) {
      const { streamingCall } = await import('../load/streaming-call.js');
      const streaming = streamingCall(routing?.loaded ?? loaded, target, process.env);
      call = streaming.call;
      ttftNote = streaming.note;
    }

    const controller = new AbortController();
    const onSigint = () => {
      if (controller.signal.aborted) process.exit(EXIT.infrastructure);
      process.stderr.write(
        '\nassay: stopping the load test; requests in flight are cancelled (Ctrl-C again to quit at once)\n',
      );
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    const how = flags.rps !== undefined ? `${flags.rps} rps` : `${flags.concurrency} workers`;
    process.stdout.write(
      `assay: load ${target.id} · ${how} for ${durationMs / 1000} s · ${cases.length} cases, cycled${faults ? ` · faults ${formatFaults(faults)}` : ''}\n`,
    );
    const tty = Boolean(process.stderr.isTTY);
    let result: LoadResult;
    try {
      result = await runLoad({
        target,
        cases,
        ...(flags.rps !== undefined ? { rps: flags.rps } : { concurrency: flags.concurrency! }),
        durationMs,
        timeoutMs,
        ...(call ? { call } : {}),
        signal: controller.signal,
        onProgress: (p) => {
          const text = `${(p.elapsedMs / 1000).toFixed(0)} s · ${p.sent} sent · ${p.done} done · ${p.errors} errors · ${p.inFlight} in flight`;
          process.stderr.write(tty ? `\r${text}   ` : `${text}\n`);
        },
      });
    } finally {
      if (tty) process.stderr.write('\n');
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
    // Error messages name the proxy's address; the reader knows the target by its real one.
    if (routing) result.errorSamples = routing.unproxy(result.errorSamples);
    const outcomes = checkSlo(slo, {
      latencyMs: result.latencyMs,
      errorRate: result.errorRate,
      throughputRps: result.throughputRps,
    });
    const faultText = routing
      ? `${formatFaults(faults!)} — ${describeFaultCounts(routing.counts())}`
      : undefined;
    process.stdout.write(
      `\n${formatLoadResult(result, {
        color: Boolean(process.stdout.isTTY),
        slo: outcomes,
        ...(result.ttftMs ? {} : { ttftNote }),
        ...(faultText ? { faults: faultText } : {}),
      })}\n`,
    );
    if (flags.json) {
      await writeLoadJson(
        resolve(cwd, flags.json),
        result,
        outcomes,
        routing,
        faults ? formatFaults(faults) : undefined,
      );
      process.stdout.write(`assay: load results written to ${flags.json}\n`);
    }
    if (controller.signal.aborted) return EXIT.infrastructure;
    return outcomes.some((o) => !o.pass) ? EXIT.gatesFailed : EXIT.ok;
  } finally {
    await routing?.close();
  }
}

function pickTarget<T extends { id: string }>(targets: T[], id: string | undefined): T {
  if (id !== undefined) {
    const t = targets.find((x) => x.id === id);
    if (!t)
      throw new AssayError('usage', `no target "${id}" (targets: ${targets.map((x) => x.id).join(', ')})`);
    return t;
  }
  if (targets.length > 1) {
    throw new AssayError(
      'usage',
      `the suite has ${targets.length} targets; choose one with --target (${targets.map((x) => x.id).join(', ')})`,
    );
  }
  return targets[0]!;
}

async function writeLoadJson(
  file: string,
  result: LoadResult,
  slo: SloOutcome[],
  routing: FaultRouting | undefined,
  faults: string | undefined,
): Promise<void> {
  const doc = {
    ...result,
    slo: slo.map(({ metric, op, threshold, actual, pass }) => ({ metric, op, threshold, actual, pass })),
    ...(routing ? { faults: { spec: faults, counts: routing.counts() } } : {}),
  };
  await writeTextFile(file, `${JSON.stringify(doc, null, 2)}\n`);
}
