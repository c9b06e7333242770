import type { ApolloClient } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router/dom';
import { createApolloClient } from './apollo';
import { leaveForSignIn } from './leave-for-sign-in';
import { createRouter } from './router';
import './styles.css';

const router = createRouter();
// The client reports a lost session; leaving for the sign-in page needs the router and the client
// itself (to clear its cache), so the callback reads `client` when it runs, after it is assigned.
const client: ApolloClient = createApolloClient({
  onUnauthenticated: () => void leaveForSignIn(router, client),
});

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <ApolloProvider client={client}>
      <RouterProvider router={router} />
    </ApolloProvider>
  </StrictMode>,
);
