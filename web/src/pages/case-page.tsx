import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import type { ResultView } from '../api/types';
import { ErrorBox, Loading, Section, StatusBadge } from '../components/bits';
import { TextDiff } from '../components/text-diff';
import { asText, ms, num, shortId, usd } from '../format';

function Prompt({ prompt }: { prompt: unknown }) {
  if (prompt === null || prompt === undefined)
    return <p className="muted">The target did not report its prompt.</p>;
  if (Array.isArray(prompt))
    return (
      <ol className="messages">
        {prompt.map((m, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: messages are a fixed sequence.
          <li key={i}>
            <div className="role">{asText((m as { role?: unknown }).role ?? 'message')}</div>
            <pre className="text">{asText((m as { content?: unknown }).content ?? m)}</pre>
          </li>
        ))}
      </ol>
    );
  return <pre className="text">{asText(prompt)}</pre>;
}

/** One result: output vs expected with a diff, turns, contexts, every score with its reason, prompt, provenance. */
export function CasePage() {
  const { runId = '', resultId = '' } = useParams();
  const q = useQuery({
    queryKey: ['result', runId, resultId],
    queryFn: () =>
      api<ResultView>(`/api/v1/runs/${encodeURIComponent(runId)}/results/${encodeURIComponent(resultId)}`),
  });
  if (q.isPending) return <Loading what="the case" />;
  if (q.error) return <ErrorBox error={q.error} />;
  const v = q.data;
  const expected = v.expected === null || v.expected === undefined ? null : asText(v.expected);
  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/">Runs</Link> › <Link to={`/runs/${encodeURIComponent(v.runId)}`}>{shortId(v.runId)}</Link>{' '}
        › <span>case</span>
      </nav>
      <h1>
        <span className="mono">{v.caseId}</span> <StatusBadge status={v.status} />
      </h1>
      <p className="lead">
        target <span className="mono">{v.target}</span>
        {v.repeat ? ` · repeat ${v.repeat}` : ''} · {ms(v.latencyMs)}
        {v.costUsd !== null ? ` · ${usd(v.costUsd)}` : ''}
        {v.tokens ? ` · ${v.tokens.input} in / ${v.tokens.output} out tokens` : ''}
        {v.cached ? ' · from cache' : ''}
        {Object.entries(v.tags).map(([k, val]) => ` · ${k}=${val}`)}
      </p>
      {v.error ? <ErrorBox error={`Target error: ${v.error}`} /> : null}
      <Section title="Scores" id="scores">
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Evaluator</th>
              <th scope="col">Verdict</th>
              <th scope="col" className="num">
                Value
              </th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {v.scores.map((s) => (
              <tr key={s.evaluator}>
                <td className="mono">{s.evaluator}</td>
                <td>
                  <StatusBadge
                    status={s.error ? 'error' : s.pass === false ? 'fail' : s.pass ? 'pass' : 'unscored'}
                  />
                </td>
                <td className="num">{num(s.value, 3)}</td>
                <td>
                  {s.error ?? s.reason ?? ''}
                  {s.details?.reasoning ? (
                    <pre className="text small">{asText(s.details.reasoning)}</pre>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Output and expected" id="output">
        <div className="side-by-side">
          <div>
            <h3>Output</h3>
            <pre className="text" data-testid="case-output">
              {v.output ?? ''}
            </pre>
          </div>
          <div>
            <h3>Expected</h3>
            {expected === null ? (
              <p className="muted">No expected answer.</p>
            ) : (
              <pre className="text">{expected}</pre>
            )}
          </div>
        </div>
        {expected !== null && v.output !== null ? (
          <>
            <h3>Difference</h3>
            <TextDiff expected={expected} actual={v.output} />
          </>
        ) : null}
      </Section>
      {v.input ? (
        <Section title="Input" id="input">
          <dl className="vars">
            {Object.entries(v.input).map(([k, val]) => (
              <div key={k}>
                <dt className="mono">{k}</dt>
                <dd>
                  <pre className="text">{asText(val)}</pre>
                </dd>
              </div>
            ))}
          </dl>
        </Section>
      ) : null}
      {v.turns.length ? (
        <Section title="Conversation" id="turns">
          <ol className="messages">
            {v.turns.map((t, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: turns are a fixed sequence.
              <li key={i}>
                <div className="role">user{t.by === 'simulator' ? ' (simulated)' : ''}</div>
                <pre className="text">{t.user}</pre>
                <div className="role">assistant · {ms(t.latencyMs)}</div>
                <pre className="text">{t.assistant}</pre>
                {t.error ? <ErrorBox error={t.error} /> : null}
              </li>
            ))}
          </ol>
        </Section>
      ) : null}
      {v.contexts.length ? (
        <Section title="Retrieved contexts" id="contexts">
          <ol className="messages">
            {v.contexts.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: contexts are a ranked list.
              <li key={i}>
                <div className="role mono">
                  {c.id ?? `context ${i + 1}`}
                  {c.score !== undefined ? ` · score ${num(c.score)}` : ''}
                </div>
                <pre className="text">{c.text}</pre>
              </li>
            ))}
          </ol>
        </Section>
      ) : null}
      {v.toolCalls.length ? (
        <Section title="Tool calls" id="tools">
          {v.toolCalls.map((t, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: calls are a fixed sequence.
            <div key={i}>
              <div className="role mono">{t.name}</div>
              <pre className="text">{asText(t.arguments)}</pre>
            </div>
          ))}
        </Section>
      ) : null}
      <Section title="Prompt sent" id="prompt">
        <Prompt prompt={v.prompt} />
      </Section>
      <Section title="Provenance" id="provenance">
        <dl className="kv">
          <dt>Run</dt>
          <dd className="mono">{v.provenance.runId}</dd>
          <dt>Dataset</dt>
          <dd>
            {v.provenance.dataset.name} <span className="mono">{v.provenance.dataset.version}</span>
          </dd>
          <dt>Target</dt>
          <dd>
            <pre className="text small">{asText(v.provenance.targets[0] ?? v.target)}</pre>
          </dd>
          <dt>Config hash</dt>
          <dd className="mono">{v.provenance.configHash}</dd>
          {v.provenance.promptHash ? (
            <>
              <dt>Prompt hash</dt>
              <dd className="mono">{v.provenance.promptHash}</dd>
            </>
          ) : null}
          {v.provenance.gitCommit ? (
            <>
              <dt>Git commit</dt>
              <dd className="mono">{v.provenance.gitCommit}</dd>
            </>
          ) : null}
        </dl>
      </Section>
    </>
  );
}
