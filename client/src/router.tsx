/**
 * Every route of the app. Each page owns its query; pages not built yet say what they will do.
 * The shell (header and navigation) stays on screen when a page fails: the pathless child route
 * holds the error boundary, so only <main> shows the error.
 *
 * Every page but the sign-in page needs a session: the shell asks who is signed in before it
 * renders one, and an UNAUTHENTICATED answer anywhere leads to `/sign-in` (see `apollo.ts`).
 */
import { createBrowserRouter, redirect, type RouteObject } from 'react-router';
import { AppShell } from './layout/AppShell';
import { NotFound } from './routes/NotFound';
import { RouteError } from './routes/RouteError';
import { AdminLayout } from './routes/admin/AdminLayout';
import { ApiKeysPage } from './routes/admin/ApiKeysPage';
import { AuditPage } from './routes/admin/AuditPage';
import { UsersPage } from './routes/admin/UsersPage';
import { AskPage } from './routes/ask/AskPage';
import { DatasetPage } from './routes/datasets/DatasetPage';
import { DatasetsPage } from './routes/datasets/DatasetsPage';
import { DashboardsPage, InsightsPage, ModelsPage } from './routes/placeholders';
import { SignInPage } from './routes/sign-in/SignInPage';
import { UploadPage } from './routes/upload/UploadPage';
import { SIGN_IN_PATH } from './sign-in-redirect';

/** Shown when the shell itself fails: the error with no chrome around it. */
function RootError() {
  return (
    <main id="main" className="main main--bare">
      <RouteError />
    </main>
  );
}

export const routes: RouteObject[] = [
  // Outside the shell: no navigation to pages that need the session this page is there to get.
  { path: SIGN_IN_PATH, element: <SignInPage />, errorElement: <RootError /> },
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
          { path: 'datasets/upload', element: <UploadPage /> },
          { path: 'datasets/:datasetId', element: <DatasetPage /> },
          { path: 'ask', element: <AskPage /> },
          { path: 'models', element: <ModelsPage /> },
          { path: 'insights', element: <InsightsPage /> },
          { path: 'dashboards', element: <DashboardsPage /> },
          {
            path: 'admin',
            element: <AdminLayout />,
            children: [
              {
                // A failing section keeps the admin heading and tabs on screen.
                errorElement: <RouteError />,
                children: [
                  { index: true, loader: () => redirect('/admin/users') },
                  { path: 'users', element: <UsersPage /> },
                  { path: 'api-keys', element: <ApiKeysPage /> },
                  { path: 'audit', element: <AuditPage /> },
                ],
              },
            ],
          },
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}

export type AppRouter = ReturnType<typeof createRouter>;
