// A deliberately simple support bot, so the quick start runs with no key and no network:
// it retrieves the best-matching document by word overlap and answers from it. Like real
// systems it gets some things wrong (multi-step questions, legacy products), which the
// evaluation shows per stratum.
import { DOCS } from './kb.mjs';

const STOP = new Set(
  'a an the is are do does how what when where can i my to of in for with your you and or it'.split(' '),
);
const words = (text) =>
  text
    .toLowerCase()
    .match(/[a-z0-9]+/g)
    ?.filter((w) => !STOP.has(w)) ?? [];

function retrieve(question, k = 2) {
  const q = new Set(words(question));
  return DOCS.map((d) => ({ ...d, score: words(d.text).filter((w) => q.has(w)).length }))
    .filter((d) => d.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

export async function answer(c) {
  const { question, format } = c.vars;
  const contexts = retrieve(question);
  if (contexts.length === 0) {
    return { output: 'Sorry, I can only help with Acme orders, products and accounts.', contexts };
  }
  const text = contexts[0].text;
  if (format === 'json') {
    return { output: JSON.stringify({ answer: text, source: contexts[0].id }), contexts };
  }
  return {
    output: text,
    contexts,
    usage: { inputTokens: words(question).length * 4, outputTokens: words(text).length * 2 },
  };
}
