/**
 * The one Apollo Client of the app and every cache policy it uses.
 *
 * Queries and mutations go over HTTP (JSON POSTs, which Apollo Server's CSRF prevention accepts) to
 * `/graphql` on the page's own origin; subscriptions go over graphql-ws to the same path. The
 * gateway serves both, and the app, so no URL is configured anywhere.
 *
 * Nothing here handles credentials: the session is an HttpOnly cookie (see `auth.ts`) that the
 * browser sends with both, because they are same-origin. When the platform answers
 * UNAUTHENTICATED, the session is gone and `onUnauthenticated` takes the user to the sign-in page.
 */
import {
  ApolloClient,
  ApolloLink,
  HttpLink,
  InMemoryCache,
  type TypePolicies,
} from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import type { GraphQLCodegenDataMasking } from '@apollo/client/masking';
import { isSubscriptionOperation, relayStylePagination } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import { isUnauthenticated } from './errors';

// Operation and fragment types are written in GraphQL Code Generator's shape (fragment data is
// masked: a parent sees `' $fragmentRefs'`, the owning component unmasks it with useFragment).
declare module '@apollo/client' {
  // Declaration merging: the empty body is the point.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  export interface TypeOverrides extends GraphQLCodegenDataMasking.TypeOverrides {}
}

export const GRAPHQL_PATH = '/graphql';

/** ws(s)://<this host>/graphql: the same origin as the page, so the dev proxy and TLS just work. */
export function subscriptionUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${GRAPHQL_PATH}`;
}

/**
 * Every cache policy of the app, in one place.
 *
 * - Connections are merged relay-style: `fetchMore({ variables: { after } })` appends a page, a
 *   request without `after` replaces the list. `keyArgs` names the arguments that make a different
 *   list (a filter); `first` and `after` do not.
 * - Entities are normalized by `id` (the default): federation's `@key(fields: "id")` promises it
 *   for Dataset, Job and User, and identity's ApiKey and AuditEvent ids are unique too.
 */
export const typePolicies: TypePolicies = {
  Query: {
    fields: {
      datasets: relayStylePagination(['ownerId']),
      users: relayStylePagination(),
      // With and without revoked keys are two lists; so is every audit filter.
      apiKeys: relayStylePagination(['includeRevoked']),
      auditEvents: relayStylePagination(['filter']),
    },
  },
  // Connection objects have no identity of their own: they belong to the field that returned them.
  DatasetConnection: { keyFields: false },
  DatasetEdge: { keyFields: false },
  UserConnection: { keyFields: false },
  UserEdge: { keyFields: false },
  ApiKeyConnection: { keyFields: false },
  ApiKeyEdge: { keyFields: false },
  AuditEventConnection: { keyFields: false },
  AuditEventEdge: { keyFields: false },
  PageInfo: { keyFields: false },
  // The answer of createApiKey: the key (normalized) plus its one-time secret, which has no id.
  CreatedApiKey: { keyFields: false },
};

export function createCache(): InMemoryCache {
  return new InMemoryCache({ typePolicies });
}

export interface ApolloClientOptions {
  /**
   * Called when the platform answers UNAUTHENTICATED (HTTP 401): no session cookie, or its token
   * expired or was revoked (sign-out elsewhere, a disabled account, a changed role).
   */
  onUnauthenticated: () => void;
}

export function createApolloClient({ onUnauthenticated }: ApolloClientOptions): ApolloClient {
  // Sees every operation's errors on the way back, HTTP and WebSocket alike; the error still
  // reaches the component (the shell shows "Opening the sign-in page…" until the redirect lands).
  const sessionLost = new ErrorLink(({ error }) => {
    if (isUnauthenticated(error)) onUnauthenticated();
  });

  const http = new HttpLink({ uri: GRAPHQL_PATH, credentials: 'same-origin' });

  // The WebSocket upgrade request carries the session cookie too; the gateway authenticates the
  // connection from it, so no connectionParams are needed. Every page that subscribes lives inside
  // the signed-in shell, so the lazy socket closes on sign-out and the next one carries the next
  // session's cookie.
  const ws = new GraphQLWsLink(
    createClient({
      url: subscriptionUrl(window.location),
      lazy: true, // connect on the first subscription, close when the last one ends
      retryAttempts: 8,
    }),
  );

  return new ApolloClient({
    link: ApolloLink.from([
      sessionLost,
      ApolloLink.split(({ query }) => isSubscriptionOperation(query), ws, http),
    ]),
    cache: createCache(),
    dataMasking: true,
  });
}
