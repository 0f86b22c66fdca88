import { useQueryClient } from '@tanstack/react-query';
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { api } from './api/client';
import { isAdmin, useWho } from './api/who';
import { Loading } from './components/bits';

/** The frame of every signed-in page: the navigation, the page, and sign-out. */
export function Layout() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const who = useWho();
  const admin = isAdmin(who.data);
  const { pathname } = useLocation();
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
          {admin ? (
            <>
              <NavLink to="/" end>
                Runs
              </NavLink>
              <NavLink to="/compare">Compare</NavLink>
              <NavLink to="/monitoring">Monitoring</NavLink>
            </>
          ) : null}
          <NavLink to="/review">Review</NavLink>
        </nav>
        <button type="button" className="link-button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main">
        {/* A reviewer sees only their review work: every other page sends them to it. */}
        {who.isPending ? (
          <Loading what="your session" />
        ) : !admin && !pathname.startsWith('/review') ? (
          <Navigate to="/review" replace />
        ) : (
          <Outlet />
        )}
      </main>
    </>
  );
}
