import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AssayError } from '../core/errors.js';
import { EXIT } from './exit-codes.js';

const FILES: Record<string, string> = {
  'assay.yaml': `description: starter suite — replace the app with your own
dataset: ./golden.jsonl
targets:
  - id: app
    provider: function
    module: ./app.mjs#answer
  # A model behind any OpenAI-compatible API:
  # - id: mini
  #   provider: openai:gpt-4o-mini
  #   apiKey: \${OPENAI_API_KEY}
  #   params: { temperature: 0 }
# prompt: "Answer briefly: {{ question }}"
evaluators:
  - type: icontains
    value: "{{ expected }}"
  - type: latency
    max: 2000
concurrency: 8
gates:
  passRate: 0.8
`,
  'golden.jsonl': `${[
    {
      id: 'capital-fr',
      question: 'What is the capital of France?',
      expected: 'Paris',
      tags: { type: 'factual', difficulty: 'easy' },
    },
    {
      id: 'capital-jp',
      question: 'What is the capital of Japan?',
      expected: 'Tokyo',
      tags: { type: 'factual', difficulty: 'easy' },
    },
    { id: 'sum', question: 'What is 12 + 30?', expected: '42', tags: { type: 'math', difficulty: 'easy' } },
    {
      id: 'product',
      question: 'What is 6 * 7?',
      expected: '42',
      tags: { type: 'math', difficulty: 'medium' },
    },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n')}\n`,
  'app.mjs': `// Your application. Assay calls it once per case with the case ({ id, vars, expected, tags }).
// Return a string, or { output, contexts?, toolCalls?, usage? }.
const facts = { France: 'Paris', Japan: 'Tokyo' };

export async function answer(c) {
  const q = c.vars.question;
  const country = Object.keys(facts).find((k) => q.includes(k));
  if (country) return \`The capital of \${country} is \${facts[country]}.\`;
  const m = /(\\d+)\\s*([+*])\\s*(\\d+)/.exec(q);
  if (m) return String(m[2] === '+' ? Number(m[1]) + Number(m[3]) : Number(m[1]) * Number(m[3]));
  return "I don't know.";
}
`,
};

/** `assay init`: writes a starter suite that runs as it is. */
export async function initCommand(flags: { force?: boolean }, dir = process.cwd()): Promise<number> {
  const clash = Object.keys(FILES).filter((f) => existsSync(join(dir, f)));
  if (clash.length && !flags.force) {
    throw new AssayError('usage', `${clash.join(', ')} already exist here; use --force to overwrite`);
  }
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(FILES)) await writeFile(join(dir, name), text);
  process.stdout.write(`Wrote ${Object.keys(FILES).join(', ')}.\nNext: npx assay eval\n`);
  return EXIT.ok;
}
