import { gql, NetworkStatus, type TypedDocumentNode } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import type { ReactNode } from 'react';
import { ConnectionFooter } from '../../components/ConnectionFooter';
import { ErrorPanel } from '../../components/ErrorPanel';
import { describeError, isForbidden } from '../../errors';
import { useLoadMore } from '../../use-load-more';
import { useNow } from '../../use-now';
import { AdminTable, EmptyRow, SkeletonRows, type Column } from './AdminTable';
import { CreateUserForm } from './CreateUserForm';
import { RoleRequired } from './RoleRequired';
import { USER_ROW_FRAGMENT, UserRow, type UserRowUser } from './UserRow';

export const USERS_PAGE_SIZE = 50;

type AdminUsersPageQuery = {
  me: { __typename: 'User'; id: string };
  users: {
    __typename: 'UserConnection';
    edges: Array<{
      __typename: 'UserEdge';
      cursor: string;
      node: { __typename: 'User'; id: string } & {
        ' $fragmentRefs'?: { UserRow_user: UserRowUser };
      };
    }>;
    pageInfo: { __typename: 'PageInfo'; hasNextPage: boolean; endCursor: string | null };
  };
};

type AdminUsersPageQueryVariables = { first: number; after?: string | null };

/** Admin › Users: every account, newest first, and who is asking (their own row is locked). */
const ADMIN_USERS_PAGE_QUERY: TypedDocumentNode<AdminUsersPageQuery, AdminUsersPageQueryVariables> =
  gql`
    query AdminUsersPage($first: Int!, $after: String) {
      me {
        id
      }
      users(first: $first, after: $after) {
        edges {
          cursor
          node {
            id
            ...UserRow_user
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
    ${USER_ROW_FRAGMENT}
  `;

const COLUMNS: readonly Column[] = [
  { label: 'Email' },
  { label: 'Role' },
  { label: 'Tier' },
  { label: 'Created' },
  { label: 'Last sign-in' },
  { label: 'Status' },
  { label: 'Actions', hidden: true },
];

export function UsersPage() {
  const now = useNow(60_000);
  const { data, error, networkStatus, fetchMore, refetch } = useQuery(ADMIN_USERS_PAGE_QUERY, {
    variables: { first: USERS_PAGE_SIZE },
    fetchPolicy: 'cache-and-network',
    nextFetchPolicy: 'cache-first',
    notifyOnNetworkStatusChange: true,
  });
  const connection = data?.users;
  const endCursor = connection?.pageInfo.endCursor;
  const more = useLoadMore(endCursor ? () => fetchMore({ variables: { after: endCursor } }) : null);

  let table: ReactNode;
  if (connection && data) {
    table = (
      <>
        <AdminTable caption="Users, newest first" columns={COLUMNS} testId="users-table">
          {connection.edges.length === 0 ? (
            <EmptyRow columns={COLUMNS}>No users yet.</EmptyRow>
          ) : (
            connection.edges.map((edge) => (
              <UserRow
                key={edge.node.id}
                user={edge.node}
                isSelf={edge.node.id === data.me.id}
                now={now}
              />
            ))
          )}
        </AdminTable>
        <ConnectionFooter
          shown={connection.edges.length}
          noun={['user', 'users']}
          hasNextPage={connection.pageInfo.hasNextPage}
          loading={networkStatus === NetworkStatus.fetchMore}
          onLoadMore={more.loadMore}
          error={more.error}
          testId="users"
        />
      </>
    );
  } else if (error && isForbidden(error)) {
    table = <RoleRequired />;
  } else if (error) {
    table = (
      <ErrorPanel error={describeError(error)} testId="users-error">
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
      <AdminTable caption="Users, loading" columns={COLUMNS} testId="users-loading" busy>
        <SkeletonRows columns={COLUMNS} />
      </AdminTable>
    );
  }

  return (
    <section className="admin-section" aria-labelledby="admin-users-title">
      <title>Users · Admin · Analytics Platform</title>
      <h2 id="admin-users-title">Users</h2>
      <p className="admin-section__lead">
        A role sets what someone may do (viewer, analyst, admin); a tier sets their hourly query
        limit. Changing either, or disabling an account, signs that person out everywhere.
      </p>
      <CreateUserForm onCreated={() => refetch()} />
      {table}
    </section>
  );
}
