import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import type { TraceDetailJson } from '../api/types';
import { ErrorBox, Loading, Section, StatusBadge } from '../components/bits';
import { asText, count, ms, num, usd, when } from '../format';

type Span = TraceDetailJson['spans'][number];

/** Spans in tree order with their depth: a parent before its children, siblings by start time. */
function ordered(spans: Span[]): { span: Span; depth: number }[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, Span[]>();
  for (const s of spans) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const out: { span: Span; depth: number }[] = [];
  const walk = (parent: string | null, depth: number) => {
    const list = (children.get(parent) ?? []).sort((a, b) =>
      String(a.startTime).localeCompare(String(b.startTime)),
    );
    for (const s of list) {
      out.push({ span: s, depth });
      walk(s.spanId, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

function Messages({ title, messages }: { title: string; messages: Span['input'] }) {
  if (messages.length === 0) return null;
  return (
    <>
      <h4>{title}</h4>
      <ol className="messages">
        {messages.map((m, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: messages are a fixed sequence.
          <li key={i}>
            <div className="role">{m.role}</div>
            <pre className="text">{m.content}</pre>
          </li>
        ))}
      </ol>
    </>
  );
}

/** One production trace: its spans as a tree with messages, contexts and scores; its feedback. */
export function TracePage() {
  const { traceId = '' } = useParams();
  const q = useQuery({
    queryKey: ['trace', traceId],
    queryFn: () => api<TraceDetailJson>(`/api/v1/traces/${encodeURIComponent(traceId)}`),
  });
  if (q.isPending) return <Loading what="the trace" />;
  if (q.error) return <ErrorBox error={q.error} />;
  const t = q.data;
  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/monitoring">Monitoring</Link> › <span>trace</span>
      </nav>
      <h1>
        Trace <span className="mono">{t.traceId}</span>{' '}
        <StatusBadge status={t.errorCount ? 'error' : 'pass'} />
      </h1>
      <p className="lead">
        {t.name} · {when(t.startTime)} · {ms(t.durationMs)} · {count(t.spanCount)} spans ·{' '}
        {count(t.usage.inputTokens)} in / {count(t.usage.outputTokens)} out tokens · {usd(t.costUsd)}
        {t.segment ? ` · segment ${t.segment}` : ''}
        {t.sessionId ? ` · session ${t.sessionId}` : ''}
        {t.userId ? ` · user ${t.userId}` : ''}
      </p>
      <Section title={`Feedback (${t.feedback.length})`} id="feedback">
        {t.feedback.length === 0 ? <p className="muted">No feedback on this trace.</p> : null}
        <ul className="plain">
          {t.feedback.map((f) => (
            <li key={f.id}>
              <strong>{f.name}</strong> {num(f.value, 0)} · {when(f.timestamp)}
              {f.escalated ? ' · escalated' : ''}
              {f.comment ? <pre className="text">{f.comment}</pre> : null}
              {f.correction ? <pre className="text">Correction: {f.correction}</pre> : null}
            </li>
          ))}
        </ul>
        {t.signals.length ? <pre className="text small">{asText(t.signals)}</pre> : null}
      </Section>
      <Section title="Spans" id="spans">
        {ordered(t.spans).map(({ span: s, depth }) => (
          <details
            key={s.spanId}
            className={`span depth-${Math.min(depth, 6)}`}
            open={depth === 0 || s.kind === 'llm'}
          >
            <summary>
              <span className="mono">{s.name}</span> <span className="muted">{s.kind}</span>
              {s.model ? <span className="mono"> · {s.model}</span> : null}
              {s.provider ? <span className="muted"> ({s.provider})</span> : null} · {ms(s.durationMs)}
              {s.usage.inputTokens !== null
                ? ` · ${s.usage.inputTokens}/${s.usage.outputTokens ?? 0} tokens`
                : ''}{' '}
              {s.status === 'error' ? <StatusBadge status="error" /> : null}
            </summary>
            {s.error ? <ErrorBox error={s.error} /> : null}
            <Messages title="Input" messages={s.input} />
            <Messages title="Output" messages={s.output} />
            {s.contexts.length ? (
              <>
                <h4>Contexts</h4>
                {s.contexts.map((c, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: contexts are a ranked list.
                  <pre key={i} className="text small">
                    {c.id ? `[${c.id}] ` : ''}
                    {c.content}
                  </pre>
                ))}
              </>
            ) : null}
            {s.scores.length ? (
              <>
                <h4>Scores</h4>
                <ul className="plain">
                  {s.scores.map((x, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: scores may repeat a name.
                    <li key={i}>
                      <span className="mono">{x.name}</span> {num(x.value)} {x.label ?? ''}{' '}
                      <span className="muted">({x.source})</span> {x.explanation ?? ''}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {Object.keys(s.attributes).length ? (
              <details>
                <summary className="muted small">Attributes</summary>
                <pre className="text small">{asText(s.attributes)}</pre>
              </details>
            ) : null}
          </details>
        ))}
      </Section>
    </>
  );
}
