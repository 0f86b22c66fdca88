// A retrieval-augmented support bot, small enough to read: it retrieves the two best-matching
// help-centre articles by word overlap and answers from the best one. Like real bots it has habits
// a judge should catch: it sometimes adds a "helpful" sentence its sources do not support, and it
// answers from the wrong article when the question's words mislead retrieval.
import { ARTICLES } from './kb.mjs';

const STOP = new Set(
  'a an the is are do does how what when where can i my to of in for with your you and or it if'.split(' '),
);
const words = (text) =>
  text
    .toLowerCase()
    .match(/[a-z0-9]+/g)
    ?.filter((w) => !STOP.has(w)) ?? [];

function retrieve(question, k = 2) {
  const q = new Set(words(question));
  return ARTICLES.map((a) => ({ ...a, score: words(a.text).filter((w) => q.has(w)).length }))
    .filter((a) => a.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

// Unsupported extras the bot "remembers" from an old FAQ: factuality should flag them.
const FOLKLORE = {
  'shipping-express': 'Express shipping is also free for members.',
  warranty: 'The warranty can be extended to 5 years at checkout.',
};

export async function answer(c) {
  const contexts = retrieve(c.vars.question);
  if (contexts.length === 0) {
    return { output: 'Sorry, I can only help with Acme orders, products and accounts.', contexts };
  }
  const best = contexts[0];
  const extra = FOLKLORE[best.id];
  return { output: extra ? `${best.text} ${extra}` : best.text, contexts };
}
