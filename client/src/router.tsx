/**
 * Every route of the app. Each page owns its query; pages not built yet say what they will do.
 * The shell (header and navigation) stays on screen when a page fails: the pathless child route
 * holds the error boundary, so only <main> shows the error.
 */
import { createBrowserRouter, redirect, type RouteObject } from 'react-router';
import { AppShell } from './layout/AppShell';
import { NotFound } from './routes/NotFound';
import { RouteError } from './routes/RouteError';
import { DatasetsPage } from './routes/datasets/DatasetsPage';
import {
  AdminPage,
  AskPage,
  DashboardsPage,
  InsightsPage,
  ModelsPage,
} from './routes/placeholders';

/** Shown when the shell itself fails: the error with no chrome around it. */
function RootError() {
  return (
    <main id="main" className="main main--bare">
      <RouteError />
    </main>
  );
}

export const routes: RouteObject[] = [
  {
    path: '/',
    element: <AppShell />,
    errorElement: <RootError />,
    children: [
      {
        errorElement: <RouteError />,
        children: [
          { index: true, loader: () => redirect('/datasets') },
          { path: 'datasets', element: <DatasetsPage /> },
          { path: 'ask', element: <AskPage /> },
          { path: 'models', element: <ModelsPage /> },
          { path: 'insights', element: <InsightsPage /> },
          { path: 'dashboards', element: <DashboardsPage /> },
          { path: 'admin', element: <AdminPage /> },
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
