import type { Case } from '../../core/case.js';
import type { ResultRecord } from '../../core/run.js';
import { getOrCreate } from '../../util/maps.js';
import type { FailureRecord } from '../failures/collect.js';

/** Longest texts kept per field: a report is for reading, and a runaway output must not swell it. */
const MAX_OUTPUT = 20_000;
const MAX_TEXT = 8_000;
const MAX_CONTEXT = 4_000;

const cut = (s: string, max: number) =>
  s.length <= max ? s : `${s.slice(0, max)}… [${s.length - max} more characters]`;

function asText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
}

function inputText(c: Case): string | undefined {
  const entries = Object.entries(c.vars ?? {});
  const lines =
    entries.length === 1 && typeof entries[0]![1] === 'string'
      ? [entries[0]![1]]
      : entries.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  for (const [i, t] of (c.turns ?? []).entries()) lines.push(`turn ${i + 1}: ${t.user}`);
  return lines.length ? lines.join('\n') : undefined;
}

/**
 * The report's data as the page reads it, built one result at a time: each result is kept as its JSON
 * text only (one compact string per row), and long texts that repeat across rows — system prompts,
 * retrieved documents, a case's input and expected answer seen by every target — are stored once in a
 * string table the rows point into.
 *
 * A row: `i` case id, `t` target index, `r` repeat, `g` tags, `s` 0 pass / 1 fail / 2 error, `l` latency
 * ms, `c` cost, `n` [tokens in, out], `h` cached, `o` output, `e` error, `u` input, `x` expected and `p`
 * prompt (string-table indices; `p` may be [role, index] pairs), `v` scores as [evaluator index, value,
 * pass 1/0/null, reason, error, judge reasoning], `k` contexts as [id, text index], `a` attribution and
 * `m` the sources not retrieved.
 */
export class HtmlDataBuilder {
  readonly strings: string[] = [];
  readonly rows: string[] = [];
  readonly targets: string[] = [];
  readonly evaluators: string[] = [];
  readonly tags = new Map<string, Set<string>>();
  private readonly stringIndex = new Map<string, number>();
  private readonly targetIndex = new Map<string, number>();
  private readonly evaluatorIndex = new Map<string, number>();

  private intern(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.push(s) - 1;
      this.stringIndex.set(s, i);
    }
    return i;
  }

  private indexOf(list: string[], index: Map<string, number>, name: string): number {
    let i = index.get(name);
    if (i === undefined) {
      i = list.push(name) - 1;
      index.set(name, i);
    }
    return i;
  }

  add(r: ResultRecord, c: Case | undefined, failure: FailureRecord | undefined): void {
    const row: Record<string, unknown> = {
      i: r.caseId,
      t: this.indexOf(this.targets, this.targetIndex, r.target),
      g: r.tags,
      s: r.error !== undefined ? 2 : r.pass ? 0 : 1,
      l: Math.round(r.latencyMs * 10) / 10,
    };
    if (r.repeat) row.r = r.repeat;
    for (const [k, v] of Object.entries(r.tags)) {
      getOrCreate(this.tags, k, () => new Set<string>()).add(v);
    }
    if (r.costUsd !== undefined) row.c = r.costUsd;
    if (r.tokens) row.n = [r.tokens.input, r.tokens.output];
    if (r.error !== undefined) row.e = cut(r.error, MAX_TEXT);
    const o = r.output;
    if (o) {
      row.o = cut(o.text, MAX_OUTPUT);
      if (o.cached) row.h = 1;
      if (
        Array.isArray(o.prompt) &&
        o.prompt.every((m) => m && typeof m.role === 'string' && typeof m.content === 'string')
      ) {
        row.p = (o.prompt as { role: string; content: string }[]).map((m) => [
          m.role,
          this.intern(cut(m.content, MAX_TEXT)),
        ]);
      } else if (o.prompt !== undefined) row.p = this.intern(cut(asText(o.prompt), MAX_TEXT));
      if (o.contexts)
        row.k = o.contexts.map((x) => [x.id ?? null, this.intern(cut(x.text ?? '', MAX_CONTEXT))]);
    }
    if (c) {
      const input = inputText(c);
      if (input !== undefined) row.u = this.intern(cut(input, MAX_TEXT));
      if (c.expected !== undefined && c.expected !== null)
        row.x = this.intern(cut(asText(c.expected), MAX_TEXT));
    }
    row.v = r.scores.map((s) => {
      const reasoning = s.details?.reasoning;
      return [
        this.indexOf(this.evaluators, this.evaluatorIndex, s.evaluator),
        s.value,
        s.pass === null ? null : s.pass ? 1 : 0,
        s.reason === undefined ? null : cut(s.reason, MAX_TEXT),
        s.error === undefined ? null : cut(s.error, MAX_TEXT),
        reasoning === undefined || reasoning === null ? null : cut(asText(reasoning), MAX_TEXT),
      ];
    });
    if (failure?.attribution) {
      row.a = failure.attribution.attribution;
      row.m = failure.attribution.missing;
    }
    this.rows.push(JSON.stringify(row));
  }
}
