// Assay scores inside a Vitest suite. In your own project: `import { describeEval } from 'assay/vitest'`;
// this file imports from the source so it runs in the repo. The run is saved in the Assay store
// ($ASSAY_DB, else .assay/assay.db): `assay runs` lists it.
import type { Evaluator } from '../../src/core/score.js';
import { describeEval } from '../../src/vitest/index.js';
import { supportBot } from './support-bot.js';

/** Your own evaluator: a short answer scores 1, a long one less. */
const concise: Evaluator = {
  name: 'concise',
  evaluate: ({ output }) => {
    const words = output.text.split(/\s+/).length;
    return { evaluator: 'concise', value: Math.min(1, 20 / words), pass: words <= 20 };
  },
};

describeEval('support bot', {
  data: [
    { id: 'refund', input: 'Can I get my money back?', expected: '30 days' },
    { id: 'shipping', input: 'How long does shipping take?', expected: 'business days' },
    { id: 'password', input: 'I forgot my password', expected: 'login page' },
  ],
  task: (question) => supportBot(question),
  evaluators: [{ type: 'icontains', name: 'answers', value: '{{ expected }}' }, concise],
  threshold: 0.9,
});
