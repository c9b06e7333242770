import { gql, type FragmentType, type TypedDocumentNode } from '@apollo/client';
import { useFragment } from '@apollo/client/react';
import { Link } from 'react-router';
import { formatBytes, formatCount, formatDateTime, formatRelativeTime } from '../../format';
import type { DatasetStatus, DateTime, SourceType } from '../../schema-types';

/** What one row of the datasets table renders: this component's own slice of the page query. */
export type DatasetRowDataset = {
  __typename: 'Dataset';
  id: string;
  name: string;
  sourceType: SourceType;
  status: DatasetStatus;
  errorMessage: string | null;
  sizeBytes: number;
  rowCount: number | null;
  columnCount: number | null;
  createdAt: DateTime;
  owner: { __typename: 'User'; id: string; email: string };
} & { ' $fragmentName'?: 'DatasetRow_dataset' };

export const DATASET_ROW_FRAGMENT: TypedDocumentNode<DatasetRowDataset> = gql`
  fragment DatasetRow_dataset on Dataset {
    id
    name
    sourceType
    status
    errorMessage
    sizeBytes
    rowCount
    columnCount
    createdAt
    owner {
      id
      email
    }
  }
`;

export const SOURCE_LABEL: Record<SourceType, string> = {
  CSV: 'CSV',
  JSON: 'JSON',
  PARQUET: 'Parquet',
  DATABASE: 'Database',
};

const STATUS_LABEL: Record<DatasetStatus, string> = {
  PENDING: 'Pending',
  PROCESSING: 'Processing',
  READY: 'Ready',
  FAILED: 'Failed',
};

export function StatusBadge({ status }: { status: DatasetStatus }) {
  return (
    <span className={`badge badge--${status.toLowerCase()}`} data-testid="dataset-status">
      {STATUS_LABEL[status] ?? status}
    </span>
  );
}

function Count({ value }: { value: number | null }) {
  const text = formatCount(value);
  return text === null ? (
    <span className="muted" title="Known once the data is processed">
      —<span className="visually-hidden">not known yet</span>
    </span>
  ) : (
    <>{text}</>
  );
}

export function DatasetRow({
  dataset,
  now,
}: {
  dataset: FragmentType<DatasetRowDataset>;
  now: Date;
}) {
  const { data, complete } = useFragment({
    fragment: DATASET_ROW_FRAGMENT,
    fragmentName: 'DatasetRow_dataset',
    from: dataset,
  });
  if (!complete) return null;

  return (
    <tr data-testid="dataset-row" data-dataset-id={data.id}>
      <th scope="row" className="cell-name" data-testid="dataset-name">
        <Link to={`/datasets/${data.id}`}>{data.name}</Link>
      </th>
      <td>
        <span className="tag">{SOURCE_LABEL[data.sourceType] ?? data.sourceType}</span>
      </td>
      <td className="cell-status">
        <StatusBadge status={data.status} />
        {data.status === 'FAILED' && data.errorMessage && (
          <span className="cell-note" data-testid="dataset-error">
            {data.errorMessage}
          </span>
        )}
      </td>
      <td className="num">{formatBytes(data.sizeBytes)}</td>
      <td className="num">
        <Count value={data.rowCount} />
      </td>
      <td className="num">
        <Count value={data.columnCount} />
      </td>
      <td className="cell-owner" data-testid="dataset-owner">
        {data.owner.email}
      </td>
      <td className="cell-time">
        <time dateTime={data.createdAt} title={formatDateTime(data.createdAt)}>
          {formatRelativeTime(data.createdAt, now)}
        </time>
      </td>
    </tr>
  );
}
