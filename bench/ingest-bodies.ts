// The request bodies of the ingestion benchmarks (issue 13): OTLP batches of 512 spans with realistic
// GenAI attributes (~1 KB of message content each), in protobuf or JSON, with a way to stamp fresh ids
// into each request. Shared by bench/ingest.ts (the server end to end) and bench/ingest-parts.ts.
import { createRequire } from 'node:module';

export const SPANS = 512;
const PER_TRACE = 8;
const MARK = 'feedface';
/** Stamped with the request number divided by TURNS: a session gets one turn in each of TURNS requests in a row. */
const SESSION_MARK = 'sessmark';
/** Stamped with the request number into each user message: a session's next turn is not a resend. */
const TEXT_MARK = 'textmark';
const TURNS = 4;
/** When the template's spans start and end; request `n`'s are `n` ms later (`stamp`). */
const START_NS = BigInt(Date.now()) * 1_000_000n;
const END_NS = START_NS + 850_000_000n;

function words(n: number, seed: number): string {
  const vocab = [
    'the',
    'order',
    'ships',
    'refund',
    'policy',
    'customer',
    'account',
    'within',
    'days',
    'support',
    'invoice',
    'plan',
  ];
  return Array.from({ length: n }, (_, i) => vocab[(i * 7 + seed) % vocab.length]).join(' ');
}

/** One request's spans: 64 traces of an agent span and 7 LLM/tool children; ids carry MARK to be renumbered. */
function spans() {
  const out = [];
  for (let i = 0; i < SPANS; i++) {
    const t = Math.floor(i / PER_TRACE);
    const root = i % PER_TRACE === 0;
    const traceId = `${MARK}${t.toString(16).padStart(8, '0')}0000000000000000`;
    const spanId = `${MARK}${(i + 1).toString(16).padStart(8, '0')}`;
    const attributes: Record<string, string | number> = root
      ? {
          'openinference.span.kind': 'AGENT',
          'session.id': `sess-${SESSION_MARK}-${t}`,
          'user.id': `user-${t % 13}`,
        }
      : {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
          'gen_ai.request.temperature': 0.2,
          'gen_ai.request.max_tokens': 512,
          'gen_ai.response.finish_reasons': 'stop',
          'gen_ai.usage.input_tokens': 180 + (i % 50),
          'gen_ai.usage.output_tokens': 60 + (i % 30),
          'gen_ai.conversation.id': `sess-${SESSION_MARK}-${t}`,
          'gen_ai.input.messages': JSON.stringify([
            { role: 'system', parts: [{ type: 'text', content: words(20, i) }] },
            { role: 'user', parts: [{ type: 'text', content: `${words(80, i + 1)} ${TEXT_MARK}` }] },
          ]),
          'gen_ai.output.messages': JSON.stringify([
            {
              role: 'assistant',
              parts: [{ type: 'text', content: words(60, i + 2) }],
              finish_reason: 'stop',
            },
          ]),
        };
    out.push({
      traceId,
      spanId,
      ...(root ? {} : { parentSpanId: `${MARK}${(t * PER_TRACE + 1).toString(16).padStart(8, '0')}` }),
      name: root ? 'handle request' : 'chat gpt-4o-mini',
      kind: root ? 2 : 3,
      startTimeUnixNano: String(START_NS),
      endTimeUnixNano: String(END_NS),
      attributes: Object.entries(attributes).map(([key, v]) => ({
        key,
        value:
          typeof v === 'string'
            ? { stringValue: v }
            : Number.isInteger(v)
              ? { intValue: String(v) }
              : { doubleValue: v },
      })),
      status: { code: 1 },
    });
  }
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] },
        scopeSpans: [{ scope: { name: 'bench' }, spans: out }],
      },
    ],
  };
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/**
 * Each trace and span id starts with 32 bits that look random (a hash of the request number and the
 * id's own number), as ids from real exporters are random, so every trace of a request lands at its
 * own place in the stores' indexes. `BENCH_RANDOM_IDS=0`: the ids count up with the request number,
 * and a request's rows go next to the previous one's (the indexes' best case; the default before
 * session 14, so figures before it were taken so unless they say otherwise).
 */
const RANDOM_IDS = process.env.BENCH_RANDOM_IDS !== '0';

/** A 32-bit mix of two numbers (murmur3's finalizer over their combination). */
function scatter(n: number, id: number): number {
  let h = Math.imul(n ^ Math.imul(id, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Request `n`'s stamp for a session mark followed by `-t` (its trace's place in the request): TURNS
 * requests in a row share their sessions. With random ids each session's id starts with a hash of
 * its group of requests and `t`, as apps' session ids are random too.
 */
const sessionStamp = (n: number, t: number) =>
  hex8(RANDOM_IDS ? scatter(Math.floor(n / TURNS), t + 1) : Math.floor(n / TURNS));

/** Where each occurrence of `mark` starts in `template`. */
function positions(template: Buffer, mark: string | Buffer): number[] {
  const at: number[] = [];
  for (let i = template.indexOf(mark); i >= 0; i = template.indexOf(mark, i + 1)) at.push(i);
  return at;
}

/**
 * A body template and a way to stamp a fresh request number into every id (so nothing is a resend):
 * each request carries 64 traces of 64 sessions, each session a conversation of TURNS traces. Its
 * spans start and end `n` ms after the template's, so a session's turns come in the order of their
 * times, as a real conversation's do (with equal times, turns were ordered by their random ids). A stamp
 * is a copy of the template written over where the marks are: every mark is as long as its stamp (no
 * length prefix or string changes), and the load generator, which shares the server's cores, spends
 * a few microseconds a span on it in either encoding.
 */
export function templates(kind: 'protobuf' | 'json'): {
  stamp(n: number): Buffer;
  contentType: string;
  bytes: number;
} {
  const request = spans();
  let template: Buffer;
  let writeIds: (b: Buffer, n: number, at: number[]) => void;
  if (kind === 'json') {
    template = Buffer.from(JSON.stringify(request));
    // The id's own number: the 8 hex digits after the mark, read once per position.
    const numbers = new Map<number, number>();
    const idNumber = (i: number) => {
      let v = numbers.get(i);
      if (v === undefined) {
        v = Number.parseInt(template.toString('latin1', i + 8, i + 16), 16);
        numbers.set(i, v);
      }
      return v;
    };
    writeIds = (b, n, at) => {
      const id = hex8(n);
      for (const i of at) b.write(RANDOM_IDS ? hex8(scatter(n, idNumber(i))) : id, i, 'latin1');
    };
  } else {
    const require = createRequire(import.meta.url);
    const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
    const T = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
    for (const s of request.resourceSpans[0]!.scopeSpans[0]!.spans as Record<string, unknown>[]) {
      for (const k of ['traceId', 'spanId', 'parentSpanId'])
        if (s[k]) s[k] = Buffer.from(s[k] as string, 'hex');
    }
    template = Buffer.from(T.encode(T.fromObject(request)).finish());
    writeIds = (b, n, at) => {
      for (const i of at) b.writeUInt32BE(RANDOM_IDS ? scatter(n, template.readUInt32BE(i + 4)) : n, i);
    };
  }
  const idsAt = positions(template, kind === 'json' ? MARK : Buffer.from(MARK, 'hex'));
  // A time as the body holds it: 19 decimal digits in JSON (as long after the shift, until the year
  // 2286), a little-endian fixed64 in protobuf.
  const timeBytes = (t: bigint) => {
    if (kind === 'json') return Buffer.from(String(t), 'latin1');
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(t);
    return b;
  };
  const timesAt = [START_NS, END_NS].map((t) => ({ t, at: positions(template, timeBytes(t)) }));
  const textAt = positions(template, TEXT_MARK);
  const sessionAt = positions(template, SESSION_MARK).map((i) => ({
    i,
    t: Number(/^-(\d+)/.exec(template.toString('latin1', i + SESSION_MARK.length, i + 16))![1]),
  }));
  return {
    contentType: kind === 'json' ? 'application/json' : 'application/x-protobuf',
    bytes: template.length,
    stamp: (n) => {
      const b = Buffer.from(template);
      writeIds(b, n, idsAt);
      const shift = BigInt(n) * 1_000_000n;
      for (const { t, at } of timesAt) {
        const bytes = timeBytes(t + shift);
        for (const i of at) bytes.copy(b, i);
      }
      for (const { i, t } of sessionAt) b.write(sessionStamp(n, t), i, 'latin1');
      for (const i of textAt) b.write(hex8(n), i, 'latin1');
      return b;
    },
  };
}
