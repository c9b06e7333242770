import { gql, NetworkStatus, type TypedDocumentNode } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ErrorPanel } from '../../components/ErrorPanel';
import { LiveNotice } from '../../components/LiveNotice';
import { describeError, type ErrorDescription } from '../../errors';
import { canUpload } from '../../roles';
import type { Role } from '../../schema-types';
import { useNow } from '../../use-now';
import { DATASET_ROW_FRAGMENT, DatasetRow, type DatasetRowDataset } from './DatasetRow';
import { useLiveDatasets } from './use-live-datasets';

export const UPLOAD_PATH = '/datasets/upload';

export const PAGE_SIZE = 20;

type DatasetsPageQuery = {
  me: { __typename: 'User'; id: string; role: Role };
  datasets: {
    __typename: 'DatasetConnection';
    edges: Array<{
      __typename: 'DatasetEdge';
      cursor: string;
      node: { __typename: 'Dataset'; id: string } & {
        ' $fragmentRefs'?: { DatasetRow_dataset: DatasetRowDataset };
      };
    }>;
    pageInfo: { __typename: 'PageInfo'; hasNextPage: boolean; endCursor: string | null };
  };
};

type DatasetsPageQueryVariables = { first: number; after?: string | null };

/**
 * The Datasets route's query: one page of the newest data sets, with their owners, and the
 * viewer's role (analysts and admins get the "Upload data" button).
 */
export const DATASETS_PAGE_QUERY: TypedDocumentNode<DatasetsPageQuery, DatasetsPageQueryVariables> =
  gql`
    query DatasetsPage($first: Int!, $after: String) {
      me {
        id
        role
      }
      datasets(first: $first, after: $after) {
        edges {
          cursor
          node {
            id
            ...DatasetRow_dataset
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
    ${DATASET_ROW_FRAGMENT}
  `;

const COLUMNS = ['Name', 'Type', 'Status', 'Size', 'Rows', 'Columns', 'Owner', 'Created'] as const;
const NUMERIC = new Set<string>(['Size', 'Rows', 'Columns']);

function DatasetsTable({ children, busy = false }: { children: ReactNode; busy?: boolean }) {
  return (
    <div
      className="table-scroll"
      role="region"
      aria-labelledby="datasets-caption"
      tabIndex={0}
      aria-busy={busy}
    >
      <table className="table" data-testid="datasets-table">
        <caption id="datasets-caption" className="visually-hidden">
          Datasets, newest first
        </caption>
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <th key={column} scope="col" className={NUMERIC.has(column) ? 'num' : undefined}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

function LoadingRows() {
  return (
    <div data-testid="datasets-loading">
      <p className="visually-hidden" role="status">
        Loading datasets…
      </p>
      <DatasetsTable busy>
        {Array.from({ length: 6 }, (_, row) => (
          <tr key={row} className="skeleton-row" aria-hidden="true">
            {COLUMNS.map((column) => (
              <td key={column} className={NUMERIC.has(column) ? 'num' : undefined}>
                <span className="skeleton" />
              </td>
            ))}
          </tr>
        ))}
      </DatasetsTable>
    </div>
  );
}

function EmptyState({ mayUpload }: { mayUpload: boolean }) {
  return (
    <section className="panel panel--centered" data-testid="datasets-empty">
      <svg className="empty-icon" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
        <ellipse cx="24" cy="12" rx="14" ry="5" />
        <path d="M10 12v24c0 2.8 6.3 5 14 5s14-2.2 14-5V12M10 24c0 2.8 6.3 5 14 5s14-2.2 14-5" />
      </svg>
      <h2>No datasets yet</h2>
      <p className="panel__message">
        The files you bring in (CSV, JSON or Parquet) appear here with their processing status, size
        and shape.
        {mayUpload ? '' : ' An analyst or an admin can upload them.'}
      </p>
      {mayUpload && (
        <div className="panel__actions">
          <Link to={UPLOAD_PATH} className="button">
            Upload data
          </Link>
        </div>
      )}
    </section>
  );
}

export function DatasetsPage() {
  const now = useNow(60_000);
  const [moreError, setMoreError] = useState<ErrorDescription | null>(null);
  const { data, error, networkStatus, fetchMore, refetch } = useQuery(DATASETS_PAGE_QUERY, {
    variables: { first: PAGE_SIZE },
    fetchPolicy: 'cache-and-network',
    nextFetchPolicy: 'cache-first',
    notifyOnNetworkStatusChange: true,
  });
  // New data sets, status changes and deletions, without a reload.
  const live = useLiveDatasets();

  const loadingMore = networkStatus === NetworkStatus.fetchMore;
  const connection = data?.datasets;
  const mayUpload = data ? canUpload(data.me.role) : false;

  const loadMore = async () => {
    if (!connection?.pageInfo.endCursor) return;
    setMoreError(null);
    try {
      await fetchMore({ variables: { after: connection.pageInfo.endCursor } });
    } catch (cause) {
      setMoreError(describeError(cause));
    }
  };

  let body: ReactNode;
  if (connection) {
    body =
      connection.edges.length === 0 ? (
        <EmptyState mayUpload={mayUpload} />
      ) : (
        <>
          <DatasetsTable>
            {connection.edges.map((edge) => (
              <DatasetRow key={edge.node.id} dataset={edge.node} now={now} />
            ))}
          </DatasetsTable>
          <div className="table-footer">
            <p className="muted" role="status" data-testid="datasets-count">
              Showing {connection.edges.length}{' '}
              {connection.edges.length === 1 ? 'dataset' : 'datasets'}
              {connection.pageInfo.hasNextPage ? '' : ' — that is all of them'}
            </p>
            {connection.pageInfo.hasNextPage && (
              <button
                type="button"
                className="button"
                onClick={() => void loadMore()}
                disabled={loadingMore}
                data-testid="datasets-load-more"
              >
                {loadingMore ? 'Loading…' : 'Load more'}
              </button>
            )}
          </div>
          {moreError && <ErrorPanel error={moreError} testId="datasets-more-error" />}
        </>
      );
  } else if (error) {
    body = (
      <ErrorPanel error={describeError(error)} testId="datasets-error">
        <button
          type="button"
          className="button"
          onClick={() => void refetch().catch(() => undefined)}
          data-testid="datasets-retry"
        >
          Try again
        </button>
      </ErrorPanel>
    );
  } else {
    body = <LoadingRows />;
  }

  return (
    <>
      <title>Datasets · Analytics Platform</title>
      <header className="page-header page-header--actions">
        <div>
          <h1>Datasets</h1>
          <p className="page-header__lead">
            Data you have brought into the platform, newest first.
          </p>
        </div>
        {mayUpload && (
          <Link to={UPLOAD_PATH} className="button" data-testid="upload-data">
            Upload data
          </Link>
        )}
      </header>
      {connection && <LiveNotice error={live.error} />}
      {body}
    </>
  );
}
