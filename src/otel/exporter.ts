import { redactCredentials } from '../core/redact.js';
import { exportRequest, type OtlpSpan } from './otlp-json.js';

export interface ExporterOptions {
  /** The traces URL, `…/v1/traces`. */
  url: string;
  /** Sent with every request (an API key, say); never printed. */
  headers?: Record<string, string>;
  /** Spans per request (default 256). */
  batchSize?: number;
  /** A partial batch waits at most this long (default 1,000 ms). */
  delayMs?: number;
  /** Attempts of a request that failed with 429, 5xx or a network error (default 3). */
  attempts?: number;
  resource?: Record<string, string>;
  scope?: { name: string; version: string };
}

export interface ExportTally {
  exported: number;
  failed: number;
  /** The first failure, credentials redacted. */
  error?: string;
}

/**
 * Batches spans and POSTs them as OTLP/HTTP JSON, one request at a time. A failed export never
 * throws: it is counted, and `close()` says how many spans did not get through.
 *
 * @example
 * const exporter = new OtlpJsonExporter({ url: 'http://localhost:4318/v1/traces' });
 * exporter.add(span);
 * const { exported, failed } = await exporter.close();
 */
export class OtlpJsonExporter {
  private readonly options: Required<Omit<ExporterOptions, 'headers'>> & { headers: Record<string, string> };
  private buffer: OtlpSpan[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly tally: ExportTally = { exported: 0, failed: 0 };

  constructor(options: ExporterOptions) {
    this.options = {
      batchSize: 256,
      delayMs: 1_000,
      attempts: 3,
      headers: {},
      resource: { 'service.name': 'assay' },
      scope: { name: 'assay', version: '0' },
      ...options,
    };
  }

  add(span: OtlpSpan): void {
    this.buffer.push(span);
    if (this.buffer.length >= this.options.batchSize) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.delayMs);
  }

  /** Sends what is buffered; resolves when every request so far has finished. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length > 0) {
      const batch = this.buffer;
      this.buffer = [];
      this.chain = this.chain.then(() => this.send(batch));
    }
    return this.chain;
  }

  async close(): Promise<ExportTally> {
    await this.flush();
    return { ...this.tally };
  }

  private async send(spans: OtlpSpan[]): Promise<void> {
    const body = JSON.stringify(exportRequest(spans, this.options.resource, this.options.scope));
    let problem = '';
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      try {
        const res = await fetch(this.options.url, {
          method: 'POST',
          headers: { ...this.options.headers, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        if (res.ok) {
          const rejected = rejectedOf(text);
          this.tally.exported += spans.length - rejected;
          if (rejected > 0)
            this.fail(rejected, `the collector rejected ${rejected} spans: ${text.slice(0, 200)}`);
          return;
        }
        problem = `HTTP ${res.status}: ${text.slice(0, 200)}`;
        if (res.status !== 429 && res.status < 500) break;
      } catch (error) {
        problem = error instanceof Error ? `${error.message}${causeOf(error)}` : String(error);
      }
      if (attempt < this.options.attempts) await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)));
    }
    this.fail(spans.length, problem);
  }

  private fail(count: number, problem: string): void {
    this.tally.failed += count;
    this.tally.error ??= redactCredentials(`POST ${this.options.url}: ${problem}`);
  }
}

/** `partialSuccess.rejectedSpans` of an `ExportTraceServiceResponse`, 0 when absent. */
function rejectedOf(text: string): number {
  try {
    const parsed = JSON.parse(text) as { partialSuccess?: { rejectedSpans?: string | number } };
    return Number(parsed.partialSuccess?.rejectedSpans ?? 0) || 0;
  } catch {
    return 0;
  }
}

function causeOf(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? ` (${cause.message})` : '';
}
