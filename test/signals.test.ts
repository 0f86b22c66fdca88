import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../src/core/trace.js';
import { createLocalEmbedder } from '../src/embeddings/local.js';
import { cosine } from '../src/embeddings/vector.js';
import { DEFAULT_SIGNAL_OPTIONS, type SessionTurn, sessionSignals } from '../src/monitor/signals.js';
import { sessionTurns } from '../src/monitor/signals-session.js';

const T0 = 1_800_000_000_000;
const turn = (
  traceId: string,
  atS: number,
  userText: string,
  extra: Partial<SessionTurn> = {},
): SessionTurn => ({
  traceId,
  startMs: T0 + atS * 1000,
  endMs: T0 + atS * 1000 + 2000,
  userText,
  outputText: 'An answer.',
  positiveFeedback: false,
  ...extra,
});

const embedder = createLocalEmbedder();
async function similarity(texts: string[]) {
  const vectors = await embedder.embed(texts);
  const at = new Map(texts.map((t, i) => [t, vectors[i]!]));
  return (a: string, b: string) => cosine(at.get(a)!, at.get(b)!);
}
const kinds = (signals: { traceId: string; kind: string }[]) => signals.map((s) => `${s.traceId}:${s.kind}`);

describe('sessionSignals', () => {
  const rephrased = 'How do I reset my account password?';
  const original = 'How can I reset the password of my account?';
  const different = 'What is the weather in Paris tomorrow?';

  it('a close next message within the window is a rephrase; a different question is not', async () => {
    const sim = await similarity([original, rephrased, different]);
    expect(sim(original, rephrased)).toBeGreaterThanOrEqual(0.8);
    expect(sim(rephrased, different)).toBeLessThan(0.8);
    const turns = [turn('t1', 0, original), turn('t2', 30, rephrased), turn('t3', 60, different)];
    const signals = sessionSignals('p', 's', turns, sim, T0 + 120_000);
    expect(kinds(signals).filter((k) => !k.endsWith('turns') && !k.endsWith('_ms'))).toEqual(['t2:rephrase']);
    expect(signals.find((s) => s.kind === 'rephrase')!.value).toBeGreaterThanOrEqual(0.8);
  });

  it('a close message after the window is no rephrase', async () => {
    const sim = await similarity([original, rephrased]);
    const signals = sessionSignals('p', 's', [turn('t1', 0, original), turn('t2', 600, rephrased)], sim, T0);
    expect(kinds(signals)).not.toContain('t2:rephrase');
  });

  it('the same text again (case and spaces aside) within the window is a retry, not a rephrase', () => {
    const sim = () => 1;
    const turns = [turn('t1', 0, 'Reset my password'), turn('t2', 10, '  reset my   PASSWORD ')];
    expect(kinds(sessionSignals('p', 's', turns, sim, T0 + 20_000))).toEqual([
      't2:retry',
      't2:turns',
      't2:time_to_completion_ms',
    ]);
  });

  it('messages without text (metadata-only ingestion) are neither retries nor rephrases', () => {
    const turns = [turn('t1', 0, ''), turn('t2', 10, '  ')];
    expect(kinds(sessionSignals('p', 's', turns, () => 1, T0 + 20_000))).toEqual([
      't2:turns',
      't2:time_to_completion_ms',
    ]);
  });

  it('turns and time to completion go on the last trace of the conversation', () => {
    const turns = [turn('t1', 0, 'a'), turn('t2', 200, 'b'), turn('t3', 400, 'c')];
    const signals = sessionSignals('p', 's', turns, () => 0, T0 + 500_000);
    expect(signals).toEqual([
      { projectId: 'p', traceId: 't3', sessionId: 's', kind: 'turns', value: 3, computedMs: T0 + 500_000 },
      {
        projectId: 'p',
        traceId: 't3',
        sessionId: 's',
        kind: 'time_to_completion_ms',
        value: 402_000,
        computedMs: T0 + 500_000,
      },
    ]);
  });

  it('a session that ends after a reply is abandoned once the timeout passed, not before', () => {
    const turns = [turn('t1', 0, 'a'), turn('t2', 200, 'b')];
    const before = sessionSignals(
      'p',
      's',
      turns,
      () => 0,
      T0 + 202_000 + DEFAULT_SIGNAL_OPTIONS.abandonMs - 1,
    );
    expect(kinds(before)).not.toContain('t2:abandoned');
    const after = sessionSignals('p', 's', turns, () => 0, T0 + 202_000 + DEFAULT_SIGNAL_OPTIONS.abandonMs);
    expect(kinds(after)).toContain('t2:abandoned');
  });

  it('positive feedback prevents abandonment', () => {
    const turns = [turn('t1', 0, 'a', { positiveFeedback: true }), turn('t2', 200, 'b')];
    expect(kinds(sessionSignals('p', 's', turns, () => 0, T0 + 10 * 3_600_000))).not.toContain(
      't2:abandoned',
    );
  });

  it('a gap longer than the timeout ends a conversation: the earlier one abandoned, turns counted apart', () => {
    const turns = [turn('t1', 0, 'a'), turn('t2', 60, 'b'), turn('t3', 7200, 'c')];
    const signals = sessionSignals('p', 's', turns, () => 0, T0 + 7300_000);
    expect(kinds(signals)).toEqual([
      't2:turns',
      't2:time_to_completion_ms',
      't2:abandoned',
      't3:turns',
      't3:time_to_completion_ms',
    ]);
    expect(signals.find((s) => s.traceId === 't2' && s.kind === 'turns')!.value).toBe(2);
  });

  it('thresholds are configurable', async () => {
    const sim = await similarity([original, rephrased]);
    const turns = [turn('t1', 0, original), turn('t2', 30, rephrased)];
    const strict = { ...DEFAULT_SIGNAL_OPTIONS, rephraseThreshold: 0.999 };
    expect(kinds(sessionSignals('p', 's', turns, sim, T0, strict))).not.toContain('t2:rephrase');
    const short = { ...DEFAULT_SIGNAL_OPTIONS, windowMs: 10_000 };
    expect(kinds(sessionSignals('p', 's', turns, sim, T0, short))).not.toContain('t2:rephrase');
  });
});

describe('sessionTurns', () => {
  it('one turn per trace: the first call’s last user message, the last call’s output, positive feedback', () => {
    const base = {
      parentSpanId: null,
      name: 'chat',
      kind: 'llm',
      endMs: null,
      model: 'm',
      provider: null,
      operation: null,
      inputTokens: null,
      outputTokens: null,
      totalTokens: null,
      costUsd: null,
      contexts: [] as SpanRecord['contexts'],
      attributes: {},
      status: 'ok' as const,
      error: null,
      sessionId: 's',
      userId: null,
      tags: {},
      source: 'native',
    } satisfies Partial<SpanRecord>;
    const spans: SpanRecord[] = [
      {
        ...base,
        projectId: 'p',
        traceId: 'a',
        spanId: '1',
        startMs: 10,
        input: [
          { role: 'system', content: 'sys' },
          { role: 'user', content: 'q1' },
        ],
        output: [{ role: 'assistant', content: 'tool?' }],
      },
      {
        ...base,
        projectId: 'p',
        traceId: 'a',
        spanId: '2',
        startMs: 20,
        endMs: 30,
        input: [{ role: 'user', content: 'inner' }],
        output: [{ role: 'assistant', content: 'final' }],
      },
      {
        ...base,
        projectId: 'p',
        traceId: 'b',
        spanId: '3',
        startMs: 5,
        input: [{ role: 'user', content: 'q0' }],
        output: [],
      },
    ];
    const fb = [
      {
        projectId: 'p',
        id: 'f',
        traceId: 'a',
        name: 'thumbs',
        value: 1,
        comment: null,
        correction: null,
        escalated: false,
        userId: null,
        timestampMs: 40,
      },
    ];
    expect(sessionTurns(spans, fb)).toEqual([
      {
        traceId: 'b',
        startMs: 5,
        endMs: 5,
        userText: 'q0',
        userSpanId: '3',
        outputText: '',
        positiveFeedback: false,
      },
      {
        traceId: 'a',
        startMs: 10,
        endMs: 30,
        userText: 'q1',
        userSpanId: '1',
        outputText: 'final',
        positiveFeedback: true,
      },
    ]);
  });
});
