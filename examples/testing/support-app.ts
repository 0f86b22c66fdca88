// The deterministic parts of a small support bot — what layer-1 tests cover on every commit:
// its prompt template, the parser of the model's reply, and a tool the model may call.

/** The chat prompt, rendered with nunjucks for each question. */
export const ANSWER_PROMPT = [
  {
    role: 'system',
    content:
      'You are the Acme support assistant. Answer from the documents only, in JSON: ' +
      '{"answer": "...", "sources": ["doc-id"], "confidence": 0.0}.',
  },
  {
    role: 'user',
    content: `Documents:
{% for d in documents %}[{{ d.id }}] {{ d.text }}
{% endfor %}
Customer question: {{ question | truncate(1000) }}`,
  },
];

export interface Answer {
  answer: string;
  sources: string[];
  confidence: number;
}

/**
 * Reads the model's reply: JSON, possibly inside a fenced block. Throws on anything else, so a
 * malformed reply is caught here rather than shown to a customer.
 */
export function parseAnswer(reply: string): Answer {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(reply);
  const value = JSON.parse(fenced ? fenced[1]! : reply) as Partial<Answer>;
  if (typeof value.answer !== 'string' || value.answer.trim() === '') throw new Error('no answer');
  if (!Array.isArray(value.sources) || !value.sources.every((s) => typeof s === 'string')) {
    throw new Error('sources must be a list of document ids');
  }
  if (typeof value.confidence !== 'number' || value.confidence < 0 || value.confidence > 1) {
    throw new Error('confidence must be a number in 0..1');
  }
  return { answer: value.answer, sources: value.sources, confidence: value.confidence };
}

const ORDERS: Record<string, { status: 'processing' | 'shipped' | 'delivered'; eta?: string }> = {
  'A-1001': { status: 'shipped', eta: '2025-06-03' },
  'A-1002': { status: 'delivered' },
};

/** Simulates the order service's latency; a real tool would call it over HTTP with the signal. */
function orderService(id: string, signal: AbortSignal): Promise<(typeof ORDERS)[string] | undefined> {
  // Order ids starting with "SLOW" stand for a backend that never answers.
  const delay = id.startsWith('SLOW') ? 60_000 : 5;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(ORDERS[id]), delay);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/** The `lookup_order` tool. Bad input is an error, never a made-up order. */
export async function lookupOrder(input: { orderId: string }, { signal }: { signal: AbortSignal }) {
  if (!/^[A-Z]+-\d{4}$/.test(input.orderId)) throw new Error(`invalid order id "${input.orderId}"`);
  const order = await orderService(input.orderId, signal);
  if (!order) throw new Error(`order ${input.orderId} not found`);
  return { orderId: input.orderId, ...order };
}
