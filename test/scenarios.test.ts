import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import type { ResultRecord } from '../src/core/run.js';
import { runEval } from '../src/runner/run-eval.js';
import { buildSuite } from '../src/suite/build-suite.js';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';

/** The fake assistant remembers an order number only if the history it receives contains it. */
function historyAwareReply(body: { messages?: { role: string; content: string }[] }): string {
  const messages = body.messages ?? [];
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  if (system.includes('role-playing a user')) {
    // The simulated user: asks for the refund, then declares victory once the bot confirms.
    if (system.includes('never satisfied')) return 'Still waiting for something else.';
    const botSaid = messages.filter((m) => m.role === 'user').map((m) => m.content);
    if (botSaid.some((t) => t.includes('refund issued'))) return '[GOAL_REACHED]';
    return messages.length <= 2 ? 'Hi, I want a refund for order 777.' : 'Yes, order 777, please refund it.';
  }
  const history = messages.map((m) => m.content).join('\n');
  const order = /order (\d+)/.exec(history)?.[1];
  const last = messages.at(-1)?.content ?? '';
  if (/refund/.test(last) && order) return `Sure: refund issued for order ${order}.`;
  if (/status|where/.test(last)) return order ? `Order ${order} ships tomorrow.` : 'Which order do you mean?';
  return 'Noted.';
}

let fake: FakeOpenAI;
let dir: string;

beforeAll(async () => {
  fake = await startFakeOpenAI({ reply: historyAwareReply });
  dir = mkdtempSync(join(tmpdir(), 'assay-scenario-'));
});
afterAll(async () => {
  await fake.close();
});

const SYSTEM_PROMPT = `prompt:
  - { role: system, content: "You are a support bot." }
`;

async function run(rows: unknown[], extra = '', prompt = SYSTEM_PROMPT): Promise<ResultRecord[]> {
  writeFileSync(join(dir, 'cases.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
  writeFileSync(
    join(dir, 'assay.yaml'),
    `dataset: ./cases.jsonl
${prompt}targets:
  - id: bot
    provider: openai:fake-model
    baseURL: ${fake.baseURL}
    apiKey: test-key
${extra}`,
  );
  const loaded = await loadConfig(join(dir, 'assay.yaml'), {});
  const suite = await buildSuite(loaded, { env: {}, assayVersion: 'test' });
  const results: ResultRecord[] = [];
  await runEval(
    {
      runId: 'r',
      dataset: suite.dataset,
      targets: suite.targets,
      evaluators: suite.evaluators,
      retries: 0,
      ...(suite.turnEvaluators ? { turnEvaluators: suite.turnEvaluators } : {}),
      ...(suite.simulator ? { simulator: suite.simulator } : {}),
    },
    { sink: { write: async (rs) => void results.push(...rs) } },
  );
  return results;
}

describe('multi-turn scenarios', () => {
  it('sends the whole history every turn: the reply at turn 3 knows the order number from turn 1', async () => {
    const [r] = await run([
      {
        id: 'keeps-context',
        turns: [
          { user: 'Hello, my order 12345 has not arrived.' },
          { user: 'Can you check?' },
          { user: 'What is the status?', evaluators: [{ type: 'contains', value: '12345' }] },
        ],
      },
    ]);
    expect(r!.error).toBeUndefined();
    expect(r!.output!.turns).toHaveLength(3);
    expect(r!.output!.turns![2]!.assistant).toBe('Order 12345 ships tomorrow.');
    expect(r!.scores.map((s) => [s.evaluator, s.pass])).toEqual([['turn3.contains', true]]);
    expect(r!.pass).toBe(true);
    // The third request carried the system prompt, five earlier messages and the new one.
    const third = fake.requests.filter((q) => q.path.endsWith('/chat/completions')).at(-1)!.body as {
      messages: unknown[];
    };
    expect(third.messages).toHaveLength(6);
  });

  it('fails the case when a turn evaluator fails, and names the turn', async () => {
    const [r] = await run([
      {
        id: 'no-context',
        turns: [
          { user: 'Can you check?' },
          { user: 'What is the status?', evaluators: [{ type: 'contains', value: '12345' }] },
        ],
      },
    ]);
    expect(r!.pass).toBe(false);
    expect(r!.scores[0]).toMatchObject({ evaluator: 'turn2.contains', pass: false });
  });

  it('plays a simulated user until its goal is reached, and stores the transcript', async () => {
    const [r] = await run(
      [{ id: 'sim', simulate: { persona: 'an impatient customer', goal: 'get a refund for order 777' } }],
      `simulator:\n  provider: openai:fake-user\n  baseURL: ${fake.baseURL}\n  apiKey: test-key\n  maxTurns: 5\nevaluators:\n  - type: contains\n    value: refund issued\n`,
    );
    expect(r!.error).toBeUndefined();
    const turns = r!.output!.turns!;
    expect(turns.map((t) => t.by)).toEqual(['simulator']);
    expect(turns[0]!.user).toBe('Hi, I want a refund for order 777.');
    expect(turns[0]!.assistant).toBe('Sure: refund issued for order 777.');
    expect(r!.output!.metadata).toMatchObject({ stopReason: 'goal-reached', turnCount: 1 });
    expect(r!.pass).toBe(true);
  });

  it('stops at the turn limit when the goal is never reached', async () => {
    const [r] = await run(
      [{ id: 'sim-limit', simulate: { persona: 'a customer', goal: 'never satisfied' } }],
      `simulator:\n  provider: openai:fake-user\n  baseURL: ${fake.baseURL}\n  apiKey: test-key\n  maxTurns: 2\n`,
    );
    expect(r!.output!.metadata).toMatchObject({ stopReason: 'turn-limit', turnCount: 2 });
    expect(r!.output!.turns!.map((t) => t.user)).toEqual([
      'Still waiting for something else.',
      'Still waiting for something else.',
    ]);
  });

  it('refuses a case that wants a simulated user when no simulator is configured', async () => {
    await expect(run([{ id: 'x', simulate: { persona: 'p', goal: 'g' } }])).rejects.toThrow(
      /names no "simulator"/,
    );
  });

  describe('against a model target (issue 10, item 11: "needs a prompt")', () => {
    const conversation = {
      id: 'no-prompt',
      turns: [{ user: 'My order 4242 is late.' }, { user: 'where is it?' }],
    };

    it('runs conversations with no prompt at all: the turns are the prompt', async () => {
      const [r] = await run([conversation], '', '');
      expect(r!.error).toBeUndefined();
      expect(r!.output!.turns!.map((t) => t.assistant)).toEqual(['Noted.', 'Order 4242 ships tomorrow.']);
      expect(r!.output!.prompt).toEqual([
        { role: 'user', content: 'My order 4242 is late.' },
        { role: 'assistant', content: 'Noted.' },
        { role: 'user', content: 'where is it?' },
        { role: 'assistant', content: 'Order 4242 ships tomorrow.' },
      ]);
    });

    it('a prompt written for single-turn cases: its system message opens the conversation, its user template is not rendered', async () => {
      const prompt = `prompt:
  - { role: system, content: "You are a support bot." }
  - { role: user, content: "{{ question }}" }
`;
      fake.reset();
      const [r] = await run([conversation], '', prompt);
      expect(r!.error).toBeUndefined();
      const sent = fake.requests.map((q) => (q.body as { messages: { role: string }[] }).messages);
      expect(sent.at(-1)!.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    });

    it('a single-turn case with no prompt fails before the run, naming the case', async () => {
      await expect(run([conversation, { id: 'single', question: 'hi' }], '', '')).rejects.toThrow(
        /target "bot" is a model with no prompt: case single has no turns, so it needs one/,
      );
    });
  });
});
