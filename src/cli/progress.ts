import type { Progress, RunObserver } from '../runner/run-eval.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function eta(p: Progress): string {
  const remaining = p.total - p.done;
  if (p.done === 0 || p.elapsedMs === 0) return '?';
  const s = Math.round(((p.elapsedMs / 1000) * remaining) / Math.max(1, p.done));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function line(p: Progress, startedDone: number): string {
  const judged = p.passed + p.failed;
  const rate = p.elapsedMs > 0 ? ((p.done - startedDone) / (p.elapsedMs / 1000)).toFixed(1) : '0';
  return `${p.done}/${p.total} · pass ${judged ? pct(p.passed / judged) : '–'} · ${p.errors} errors · ${rate}/s · ETA ${eta(p)}`;
}

/**
 * Progress on stderr: a bar on a TTY (done/total, pass rate so far, rate, ETA), plain lines every
 * few seconds otherwise, so CI logs stay readable.
 */
export async function progressObserver(
  stream: NodeJS.WriteStream = process.stderr,
): Promise<RunObserver & { stop(): void }> {
  let startedDone = 0;
  if (stream.isTTY) {
    const { default: cliProgress } = await import('cli-progress');
    const bar = new cliProgress.SingleBar(
      {
        format: ' {bar} {value}/{total} · pass {passRate} · {errors} errors · {rate}/s · ETA {etaText}',
        hideCursor: true,
        stream,
        clearOnComplete: false,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      onStart(info) {
        startedDone = info.done;
        bar.start(info.total, info.done, { passRate: '–', errors: 0, rate: '0', etaText: '?' });
        started = true;
      },
      onResult(_, p) {
        const judged = p.passed + p.failed;
        bar.update(p.done, {
          passRate: judged ? pct(p.passed / judged) : '–',
          errors: p.errors,
          rate: p.elapsedMs > 0 ? ((p.done - startedDone) / (p.elapsedMs / 1000)).toFixed(1) : '0',
          etaText: eta(p),
        });
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let last = 0;
  let latest: Progress | undefined;
  return {
    onStart(info) {
      startedDone = info.done;
      stream.write(
        `assay: ${info.total} results to compute${info.done ? ` (${info.done} already done)` : ''}\n`,
      );
    },
    onResult(_, p) {
      latest = p;
      const now = Date.now();
      if (now - last >= 5000 || p.done === p.total) {
        last = now;
        stream.write(`assay: ${line(p, startedDone)}\n`);
      }
    },
    stop() {
      if (latest && latest.done !== latest.total) stream.write(`assay: ${line(latest, startedDone)}\n`);
    },
  };
}
