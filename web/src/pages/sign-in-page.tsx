import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { ErrorBox } from '../components/bits';

/** Sign in with an API key: the server checks it and keeps the session in an httpOnly cookie. */
export function SignInPage() {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const client = useQueryClient();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/session', { method: 'POST', body: { apiKey: key.trim() } });
      setKey('');
      client.clear();
      const next = params.get('next') ?? '/';
      // Only a path of this site, never another origin.
      navigate(next.startsWith('/') && !next.startsWith('//') ? next : '/');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="sign-in">
      <h1>Sign in to Assay</h1>
      <p className="lead">
        Paste an API key of your project (<code>assay keys create --project NAME</code> prints one). The key
        is checked by the server and never stored in this browser; the session lasts 12 hours.
      </p>
      <form onSubmit={submit}>
        <label>
          API key
          <input
            type="password"
            autoComplete="off"
            required
            value={key}
            onChange={(e) => setKey(e.target.value)}
            placeholder="assay_…"
          />
        </label>
        <button type="submit" disabled={busy || !key.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {error ? <ErrorBox error={error} /> : null}
    </div>
  );
}
