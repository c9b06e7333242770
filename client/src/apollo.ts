/**
 * The one Apollo Client of the app and every cache policy it uses.
 *
 * Queries and mutations go over HTTP (JSON POSTs, which Apollo Server's CSRF prevention accepts) to
 * `/graphql` on the page's own origin; subscriptions go over graphql-ws to the same path. The
 * gateway serves both, and the app, so no URL is configured anywhere.
 */
import {
  ApolloClient,
  ApolloLink,
  HttpLink,
  InMemoryCache,
  type TypePolicies,
} from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import type { GraphQLCodegenDataMasking } from '@apollo/client/masking';
import { isSubscriptionOperation, relayStylePagination } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import { accessToken } from './auth';

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
 * - Entities are normalized by `id` (the default), which is what federation's `@key(fields: "id")`
 *   promises for Dataset, Job and User.
 */
export const typePolicies: TypePolicies = {
  Query: {
    fields: {
      datasets: relayStylePagination(['ownerId']),
    },
  },
  // Connection objects have no identity of their own: they belong to the field that returned them.
  DatasetConnection: { keyFields: false },
  DatasetEdge: { keyFields: false },
  PageInfo: { keyFields: false },
};

export function createCache(): InMemoryCache {
  return new InMemoryCache({ typePolicies });
}

export function createApolloClient(): ApolloClient {
  const auth = new SetContextLink(({ headers }) => {
    const token = accessToken();
    return token ? { headers: { ...headers, authorization: `Bearer ${token}` } } : { headers };
  });

  const http = new HttpLink({ uri: GRAPHQL_PATH, credentials: 'same-origin' });

  const ws = new GraphQLWsLink(
    createClient({
      url: subscriptionUrl(window.location),
      lazy: true, // connect on the first subscription, close when the last one ends
      retryAttempts: 8,
      connectionParams: () => {
        const token = accessToken();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
    }),
  );

  return new ApolloClient({
    link: ApolloLink.split(
      ({ query }) => isSubscriptionOperation(query),
      ws,
      ApolloLink.from([auth, http]),
    ),
    cache: createCache(),
    dataMasking: true,
  });
}
