import { useQueryClient } from '@tanstack/react-query';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { api } from './api/client';

/** The frame of every signed-in page: the navigation, the page, and sign-out. */
export function Layout() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const signOut = async () => {
    await api('/api/v1/session', { method: 'DELETE' }).catch(() => {});
    client.clear();
    navigate('/sign-in');
  };
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Assay</span>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Runs
          </NavLink>
          <NavLink to="/compare">Compare</NavLink>
          <NavLink to="/monitoring">Monitoring</NavLink>
        </nav>
        <button type="button" className="link-button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main">
        <Outlet />
      </main>
    </>
  );
}
