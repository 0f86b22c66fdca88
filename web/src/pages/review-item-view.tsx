import type { RaterItem } from '../api/review-types';
import { asText } from '../format';

interface Message {
  role: string;
  content: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A list of `{ role, content }` messages, wherever the input keeps it (the value itself, `messages`, `turns`). */
function messagesOf(input: unknown): Message[] | undefined {
  const list = Array.isArray(input)
    ? input
    : isObj(input) && Array.isArray(input.messages)
      ? input.messages
      : isObj(input) && Array.isArray(input.turns)
        ? input.turns
        : undefined;
  if (!list || list.length === 0 || !list.every((m) => isObj(m) && 'content' in m)) return undefined;
  return list.map((m) => ({
    role: asText((m as Message).role ?? 'message'),
    content: (m as Message).content,
  }));
}

/** A multi-turn output (`assay review add` of a scenario run): `[{ user, assistant }]` turns. */
function exchangesOf(output: unknown): Message[] | undefined {
  if (!Array.isArray(output) || output.length === 0) return undefined;
  if (!output.every((t) => isObj(t) && 'assistant' in t)) return undefined;
  return output.flatMap((t) => [
    ...((t as Record<string, unknown>).user !== undefined
      ? [{ role: 'user', content: (t as Record<string, unknown>).user }]
      : []),
    { role: 'assistant', content: (t as Record<string, unknown>).assistant },
  ]);
}

function Turns({ messages }: { messages: Message[] }) {
  return (
    <ol className="messages review-turns">
      {messages.map((m, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a conversation is a fixed sequence.
        <li key={i} className={`turn turn-${m.role === 'user' ? 'user' : 'other'}`}>
          <div className="role">{m.role}</div>
          <pre className="text">{asText(m.content)}</pre>
        </li>
      ))}
    </ol>
  );
}

/** The conversation or the input, as text: a chat as turns, template variables as a list, anything else as JSON. */
export function ItemInput({ input }: { input: unknown }) {
  const messages = messagesOf(input);
  if (messages) return <Turns messages={messages} />;
  if (isObj(input))
    return (
      <dl className="vars">
        {Object.entries(input).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>
              {Array.isArray(v) && v.every((x) => typeof x === 'string') ? (
                <ol>
                  {v.map((x, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a list keeps its order.
                    <li key={i}>
                      <pre className="text">{x}</pre>
                    </li>
                  ))}
                </ol>
              ) : (
                <pre className="text">{asText(v)}</pre>
              )}
            </dd>
          </div>
        ))}
      </dl>
    );
  return <pre className="text">{asText(input)}</pre>;
}

/**
 * One review item as the rater sees it: input or conversation, output, retrieved contexts, the
 * reference and notes (`metadata`: a judge–human disagreement's judge verdict and human label) when
 * there are any. Every value is rendered as text (React escapes it; nothing becomes a
 * link or markup), so a hostile output stays inert.
 */
export function ItemView({ item, headingLevel = 2 }: { item: RaterItem; headingLevel?: 2 | 3 }) {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const exchanges = exchangesOf(item.output);
  return (
    <div className="review-item">
      <section aria-label="Input">
        <H>Input</H>
        <ItemInput input={item.input} />
      </section>
      {item.outputs ? (
        <section aria-label="Outputs A and B" className="review-pair">
          {item.outputs.map((o, i) => (
            <div key={i === 0 ? 'A' : 'B'}>
              <H>Output {i === 0 ? 'A' : 'B'}</H>
              <pre className="text review-output" data-testid={`review-output-${i === 0 ? 'a' : 'b'}`}>
                {asText(o)}
              </pre>
            </div>
          ))}
        </section>
      ) : (
        <section aria-label="Output">
          <H>Output</H>
          {exchanges ? (
            <div className="review-output" data-testid="review-output">
              <Turns messages={exchanges} />
            </div>
          ) : (
            <pre className="text review-output" data-testid="review-output">
              {asText(item.output)}
            </pre>
          )}
        </section>
      )}
      {item.contexts && item.contexts.length > 0 ? (
        <section aria-label="Retrieved contexts">
          <H>Retrieved contexts ({item.contexts.length})</H>
          <ol className="review-contexts">
            {item.contexts.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: contexts keep their retrieval order.
              <li key={i}>
                <pre className="text">{asText(c)}</pre>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      {item.reference !== undefined && item.reference !== null ? (
        <section aria-label="Reference">
          <H>Reference</H>
          <pre className="text">{asText(item.reference)}</pre>
        </section>
      ) : null}
      {item.metadata && Object.keys(item.metadata).length > 0 ? (
        <section aria-label="Notes">
          <H>Notes</H>
          <dl className="review-notes" data-testid="review-notes">
            {Object.entries(item.metadata).map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>
                  <pre className="text">{asText(v)}</pre>
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
    </div>
  );
}
