import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { ApiError } from './api/client';
import { Layout } from './app';
import { CasePage } from './pages/case-page';
import { CompareCasePage } from './pages/compare-case-page';
import { ComparePage } from './pages/compare-page';
import { MonitoringPage } from './pages/monitoring-page';
import { ReviewAnnotatePage } from './pages/review-annotate-page';
import { ReviewCalibrationPage } from './pages/review-calibration-page';
import { ReviewQueuePage } from './pages/review-queue-page';
import { ReviewQueuesPage } from './pages/review-queues-page';
import { RunPage } from './pages/run-page';
import { RunsPage } from './pages/runs-page';
import { SignInPage } from './pages/sign-in-page';
import { TracePage } from './pages/trace-page';
import { TracesPage } from './pages/traces-page';

const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage /> },
  {
    element: <Layout />,
    children: [
      { path: '/', element: <RunsPage /> },
      { path: '/runs/:runId', element: <RunPage /> },
      { path: '/runs/:runId/results/:resultId', element: <CasePage /> },
      { path: '/compare', element: <ComparePage /> },
      { path: '/compare/case', element: <CompareCasePage /> },
      { path: '/monitoring', element: <MonitoringPage /> },
      { path: '/monitoring/traces', element: <TracesPage /> },
      { path: '/traces/:traceId', element: <TracePage /> },
      { path: '/review', element: <ReviewQueuesPage /> },
      { path: '/review/:queue', element: <ReviewQueuePage /> },
      { path: '/review/:queue/rate', element: <ReviewAnnotatePage /> },
      { path: '/review/:queue/calibration', element: <ReviewCalibrationPage /> },
      { path: '*', element: <p>No such page.</p> },
    ],
  },
]);

/** A 401 anywhere means the session is gone: back to sign-in, then to where the user was. */
function onError(error: unknown) {
  if (error instanceof ApiError && error.status === 401 && window.location.pathname !== '/sign-in') {
    const next = window.location.pathname + window.location.search;
    void router.navigate(`/sign-in?next=${encodeURIComponent(next)}`);
  }
}

const client = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: { staleTime: 5_000, retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2 },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
