import { gql, NetworkStatus, type TypedDocumentNode } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useState, type ReactNode } from 'react';
import { ConnectionFooter } from '../../components/ConnectionFooter';
import { ErrorPanel } from '../../components/ErrorPanel';
import { describeError, isForbidden } from '../../errors';
import { useLoadMore } from '../../use-load-more';
import { useNow } from '../../use-now';
import { AdminTable, EmptyRow, SkeletonRows, type Column } from './AdminTable';
import { API_KEY_ROW_FRAGMENT, ApiKeyRow, type ApiKeyRowApiKey } from './ApiKeyRow';
import { CreateApiKeyForm } from './CreateApiKeyForm';
import { RoleRequired } from './RoleRequired';

export const API_KEYS_PAGE_SIZE = 50;

type AdminApiKeysPageQuery = {
  apiKeys: {
    __typename: 'ApiKeyConnection';
    edges: Array<{
      __typename: 'ApiKeyEdge';
      cursor: string;
      node: { __typename: 'ApiKey'; id: string } & {
        ' $fragmentRefs'?: { ApiKeyRow_apiKey: ApiKeyRowApiKey };
      };
    }>;
    pageInfo: { __typename: 'PageInfo'; hasNextPage: boolean; endCursor: string | null };
  };
};

type AdminApiKeysPageQueryVariables = {
  first: number;
  after?: string | null;
  includeRevoked: boolean;
};

/** Admin › API keys: newest first; revoked ones only when asked for. */
const ADMIN_API_KEYS_PAGE_QUERY: TypedDocumentNode<
  AdminApiKeysPageQuery,
  AdminApiKeysPageQueryVariables
> = gql`
  query AdminApiKeysPage($first: Int!, $after: String, $includeRevoked: Boolean!) {
    apiKeys(first: $first, after: $after, includeRevoked: $includeRevoked) {
      edges {
        cursor
        node {
          id
          ...ApiKeyRow_apiKey
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${API_KEY_ROW_FRAGMENT}
`;

const COLUMNS: readonly Column[] = [
  { label: 'Name' },
  { label: 'Role' },
  { label: 'Prefix' },
  { label: 'Created by' },
  { label: 'Created' },
  { label: 'Last used' },
  { label: 'Revoked' },
  { label: 'Actions', hidden: true },
];

export function ApiKeysPage() {
  const now = useNow(60_000);
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const { data, error, networkStatus, fetchMore, refetch } = useQuery(ADMIN_API_KEYS_PAGE_QUERY, {
    variables: { first: API_KEYS_PAGE_SIZE, includeRevoked },
    fetchPolicy: 'cache-and-network',
    nextFetchPolicy: 'cache-first',
    notifyOnNetworkStatusChange: true,
  });
  const connection = data?.apiKeys;
  const endCursor = connection?.pageInfo.endCursor;
  const more = useLoadMore(endCursor ? () => fetchMore({ variables: { after: endCursor } }) : null);

  let table: ReactNode;
  if (connection) {
    table = (
      <>
        <AdminTable caption="API keys, newest first" columns={COLUMNS} testId="api-keys-table">
          {connection.edges.length === 0 ? (
            <EmptyRow columns={COLUMNS}>
              {includeRevoked ? 'No API keys yet.' : 'No API keys in use.'}
            </EmptyRow>
          ) : (
            connection.edges.map((edge) => (
              <ApiKeyRow key={edge.node.id} apiKey={edge.node} now={now} />
            ))
          )}
        </AdminTable>
        <ConnectionFooter
          shown={connection.edges.length}
          noun={['key', 'keys']}
          hasNextPage={connection.pageInfo.hasNextPage}
          loading={networkStatus === NetworkStatus.fetchMore}
          onLoadMore={more.loadMore}
          error={more.error}
          testId="api-keys"
        />
      </>
    );
  } else if (error && isForbidden(error)) {
    table = <RoleRequired />;
  } else if (error) {
    table = (
      <ErrorPanel error={describeError(error)} testId="api-keys-error">
        <button
          type="button"
          className="button"
          onClick={() => void refetch().catch(() => undefined)}
        >
          Try again
        </button>
      </ErrorPanel>
    );
  } else {
    table = (
      <AdminTable caption="API keys, loading" columns={COLUMNS} testId="api-keys-loading" busy>
        <SkeletonRows columns={COLUMNS} />
      </AdminTable>
    );
  }

  return (
    <section className="admin-section" aria-labelledby="admin-api-keys-title">
      <title>API keys · Admin · Analytics Platform</title>
      <h2 id="admin-api-keys-title">API keys</h2>
      <p className="admin-section__lead">
        Credentials for services that call the platform without a person signing in. A key acts with
        its role; revoking it stops it at once.
      </p>
      <CreateApiKeyForm onCreated={() => refetch()} />
      <div className="toolbar">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={includeRevoked}
            onChange={(event) => setIncludeRevoked(event.target.checked)}
          />
          Show revoked keys
        </label>
      </div>
      {table}
    </section>
  );
}
