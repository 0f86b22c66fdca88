import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkTemplate } from './template-check.js';
import { templateVariables } from './template-variables.js';

const GOLDEN = fileURLToPath(new URL('../../examples/quickstart/golden.jsonl', import.meta.url));

describe('templateVariables', () => {
  it('finds the variables read, not those the template binds or the built-ins', () => {
    const vars = templateVariables(
      '{% set n = 2 %}{% for d in docs %}{{ d.text }}{{ loop.index }}{% endfor %}{{ name | upper }}{{ user.email }}{{ range(n) }}',
    );
    expect(vars).toEqual([
      { path: ['docs'], direct: false },
      { path: ['name'], direct: true },
      { path: ['user', 'email'], direct: true },
    ]);
  });
});

describe('checkTemplate', () => {
  it('passes a sound template over every row of a dataset file and every edge input', async () => {
    const report = await checkTemplate('Answer briefly.\nQuestion: {{ question | truncate(500) }}', {
      rows: GOLDEN,
      maxChars: 600,
    });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    // 30 rows + 7 edge values for the one variable.
    expect(report.renders).toBe(37);
    expect(report.variables).toEqual(['question']);
  });

  it('names the undefined variable and the row it is missing from', async () => {
    const report = await checkTemplate('Q: {{ question }}\nContext: {{ context }}', {
      rows: [{ question: 'a', context: 'b' }, { question: 'c' }],
      edgeInputs: false,
    });
    expect(report.problems).toEqual([
      {
        kind: 'undefined-variable',
        input: 'row 2',
        message: 'undefined variable "context" (line 2, column 10)',
      },
    ]);
  });

  it('does not flag braces that come from the values, but flags those of the template', async () => {
    const fromValues = await checkTemplate('Q: {{ question }}', {
      rows: [{ question: 'What does {{ x }} or {name} mean?' }],
    });
    expect(fromValues.problems).toEqual([]);

    const own = await checkTemplate('Q: {question}\n{% raw %}{{ answer }}{% endraw %}', {
      edgeInputs: false,
    });
    expect(own.problems.map((p) => p.message)).toEqual([
      'unrendered "{question}" left in the output: Q: {question}\\n{{ answer }}',
      'unrendered "{{" left in the output: Q: {question}\\n{{ answer }}',
    ]);
    // JSON examples in a prompt are not placeholders.
    const json = await checkTemplate('Reply as {"answer": "...", "sources": [{"id": 1}]} to {{ q }}');
    expect(json.problems).toEqual([]);
  });

  it('reports the size limit exceeded, by which input', async () => {
    const report = await checkTemplate('{{ question }}', {
      rows: [{ question: 'short' }],
      maxChars: 100,
      longLength: 5000,
    });
    expect(report.problems).toEqual([
      {
        kind: 'too-long',
        input: 'edge question=long (5000 chars)',
        message: '5000 characters, over the limit of 100',
      },
    ]);
    expect(report.longest).toBe(5000);
  });

  it('checks chat messages, naming the message', async () => {
    const report = await checkTemplate(
      [
        { role: 'system', content: 'You are {{ persona }}.' },
        { role: 'user', content: 'Hello {user}: {{ question }}' },
      ],
      { rows: [{ persona: 'helpful', question: 'hi' }], edgeInputs: false },
    );
    expect(report.problems.map((p) => p.message)).toEqual([
      'unrendered "{user}" left in the output of message 1: Hello {user}: hi',
    ]);
  });

  it('renders structured variables from the rows, and edge values only into text variables', async () => {
    const report = await checkTemplate(
      '{{ user.name }}: {% for d in docs %}[{{ d.id }}] {{ d.text }} {% endfor %}',
      {
        rows: [{ user: { name: 'Ann' }, docs: [{ id: 1, text: 'x' }] }],
      },
    );
    expect(report.problems).toEqual([]);
    expect(report.renders).toBe(1 + 7);
  });

  it('reports a syntax error once, without rendering', async () => {
    const report = await checkTemplate('Q: {{ question ', { rows: [{ question: 'a' }] });
    expect(report.renders).toBe(0);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ kind: 'syntax', input: 'the template' });
    expect(report.problems[0]!.message).toMatch(/expected variable end/);
  });
});
